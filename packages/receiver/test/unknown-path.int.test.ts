import { describe, expect, it } from 'vitest';
import type { NotificationError } from '../src/index.js';
import { IMS_PATH, imsSessionEvent } from './support/notifications.js';
import { startReceiver } from './support/receiver.js';

describe('a notification the receiver does not serve', () => {
  it('reaches onError with the path it was posted to and the paths the receiver serves', async () => {
    const errors: NotificationError[] = [];
    const receiver = await startReceiver({
      handlers: { onImsSessionEvent: () => undefined, onSessionEvent: () => undefined },
      onError: (error) => errors.push(error),
    });
    await receiver.post('/notify', imsSessionEvent());
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      code: 'UNKNOWN_PATH',
      path: '/notify',
      served: ['POST /ims-session-notification', 'POST /session-event-notification'],
      message:
        'a notification was posted to /notify; this receiver serves POST /ims-session-notification, POST /session-event-notification',
    });
  });

  it('is answered 404 with a ProblemDetails that names the paths the receiver serves', async () => {
    const receiver = await startReceiver({ handlers: { onImsSessionEvent: () => undefined }, prefix: '/as' });
    const response = await receiver.post('/notify', imsSessionEvent());
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      cause: 'RESOURCE_URI_STRUCTURE_NOT_FOUND',
      detail: 'No notification callback at POST /notify; this receiver serves POST /as/ims-session-notification.',
    });
  });

  it('answers a notification sent as text/plain with a 415 that names application/json', async () => {
    const receiver = await startReceiver({ handlers: { onImsSessionEvent: () => undefined } });
    const response = await receiver.post(IMS_PATH, JSON.stringify(imsSessionEvent()), 'text/plain');
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({
      detail: 'The body must be sent as application/json, not text/plain.',
      invalidParams: [{ param: 'Content-Type', reason: 'must be application/json' }],
    });
  });
});
