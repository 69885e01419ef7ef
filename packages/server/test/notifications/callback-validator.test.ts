import { describe, expect, test } from 'vitest';
import { validateCallbackBody } from '../../src/notifications/callback-validator.js';
import { callEventNotification, imsNotification } from './support.js';

describe('validateCallbackBody', () => {
  test('accepts a valid ImsSessionEventNotification', () => {
    expect(validateCallbackBody('imsSessionNotification', imsNotification('s1', 'http://x/').body)).toEqual({ valid: true });
  });

  test('accepts a TestNotification on the CallControl callback', () => {
    expect(validateCallbackBody('imsSessionNotification', { subscription: 'http://x/ims-sessions/s1' })).toEqual({ valid: true });
  });

  test('accepts SIP and TEL ImsPublicIds (3GPP patterns compiled without the u flag)', () => {
    expect(validateCallbackBody('sessionEventNotification', callEventNotification('s1', 'http://x/').body)).toEqual({ valid: true });
  });

  test('names a missing attribute by its JSON Pointer', () => {
    const result = validateCallbackBody('sessionEventNotification', { sessionId: 's1' });
    expect(result).toEqual({ valid: false, invalidParams: [expect.objectContaining({ param: '/notificationEvent' })] });
  });

  test('names a malformed nested attribute by its JSON Pointer', () => {
    const body = { notificationEvent: { eventType: 'SESSION_TERMINATION' }, sessionId: 's1', sessionInfo: { callingIdentity: 'alice' } };
    const result = validateCallbackBody('sessionEventNotification', body);
    expect(result.valid).toBe(false);
    expect(result.valid ? [] : result.invalidParams.map((p) => p.param)).toEqual(['/sessionInfo/callingIdentity']);
  });

  test('checks formats (date-time)', () => {
    const body = { session: 'http://x/s1', eventReports: [{ event: 'SESSION_TERMINATION', timeStamp: 'yesterday' }] };
    const result = validateCallbackBody('imsSessionNotification', body);
    expect(result.valid ? [] : result.invalidParams.map((p) => p.param)).toContain('/eventReports/0/timeStamp');
  });

  test('throws for an unknown callback', () => {
    expect(() => validateCallbackBody('noSuchCallback', {})).toThrow(TypeError);
  });
});

describe('validateCallbackBody with alternative body types', () => {
  test('reports against the closest alternative, not every one', () => {
    const result = validateCallbackBody('imsSessionNotification', { session: 'http://x/s1', eventReports: [] });
    expect(result).toEqual({ valid: false, invalidParams: [{ param: '/eventReports', reason: 'must NOT have fewer than 1 items' }] });
  });

  test('names the body itself ("") when it is not an object', () => {
    const result = validateCallbackBody('imsSessionNotification', 'hello');
    expect(result.valid ? [] : result.invalidParams.map((p) => p.param)).toEqual(['']);
  });
});
