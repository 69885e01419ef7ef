import { describe, expect, it } from 'vitest';
import { validateNotification, type CallbackName, type NotificationKind } from '../src/index.js';
import { imsSessionEvent, sessionEvent, testNotification } from './support/notifications.js';

describe('validateNotification', () => {
  const kinds: [string, { given: { callback: CallbackName; body: unknown }; want: NotificationKind }][] = [
    ['an ImsSessionEventNotification', { given: { callback: 'imsSessionNotification', body: imsSessionEvent() }, want: 'imsSessionEvent' }],
    ['a TestNotification', { given: { callback: 'imsSessionNotification', body: testNotification() }, want: 'testNotification' }],
    [
      'a body with the attributes of both as an ImsSessionEventNotification',
      { given: { callback: 'imsSessionNotification', body: { ...testNotification(), ...imsSessionEvent() } }, want: 'imsSessionEvent' },
    ],
    ['a SessionEventNotification', { given: { callback: 'sessionEventNotification', body: sessionEvent() }, want: 'sessionEvent' }],
  ];

  it.each(kinds)('tells %s by its shape', (_name, { given, want }) => {
    expect(validateNotification(given.callback, given.body)).toEqual({ valid: true, kind: want, notification: given.body });
  });

  it('reports a broken IMS Session Notification against the kind its attributes point to', () => {
    expect(validateNotification('imsSessionNotification', { subscription: 42 })).toMatchObject({ valid: false, invalidParams: [{ param: '/subscription' }] });
    expect(validateNotification('imsSessionNotification', {})).toMatchObject({ valid: false, invalidParams: [{ param: '/session' }, { param: '/eventReports' }] });
  });

  it('escapes "/" and "~" in the JSON Pointer of a map key', () => {
    const body = sessionEvent({ mediaInfoList: { 'a/b~c': { mediaId: 'a/b~c' } as never } });
    expect(validateNotification('sessionEventNotification', body)).toMatchObject({ valid: false, invalidParams: [{ param: '/mediaInfoList/a~1b~0c/mediaType' }] });
  });

  it('accepts an extensible enumeration value that this version does not know', () => {
    const body = sessionEvent({ notificationEvent: { eventType: 'SOME_FUTURE_EVENT' } });
    expect(validateNotification('sessionEventNotification', body)).toMatchObject({ valid: true });
  });
});
