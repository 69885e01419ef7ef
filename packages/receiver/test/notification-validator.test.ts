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
    expect(validateNotification('imsSessionNotification', { subscription: 42 })).toMatchObject({
      valid: false,
      invalidParams: [{ param: '/subscription' }],
    });
    expect(validateNotification('imsSessionNotification', {})).toMatchObject({
      valid: false,
      invalidParams: [{ param: '/session' }, { param: '/eventReports' }],
    });
  });

  it('escapes "/" and "~" in the JSON Pointer of a map key', () => {
    const body = sessionEvent({ mediaInfoList: { 'a/b~c': { mediaId: 'a/b~c' } as never } });
    expect(validateNotification('sessionEventNotification', body)).toMatchObject({
      valid: false,
      invalidParams: [{ param: '/mediaInfoList/a~1b~0c/mediaType' }],
    });
  });

  it('rejects a number literal that overflows to Infinity, which Ajv takes for an integer', () => {
    const body = JSON.parse(
      JSON.stringify(
        sessionEvent({
          mediaInfoList: {
            m: {
              mediaId: 'm',
              mediaType: 'DC',
              dcMediaSpecification: { streams: { s: { streamId: 1, maxRetry: 0, maxTime: 0, priority: 1 } } },
            },
          },
        }),
      ).replace('"maxRetry":0', '"maxRetry":1e400'),
    );
    expect(validateNotification('sessionEventNotification', body)).toMatchObject({
      valid: false,
      cause: 'OPTIONAL_IE_INCORRECT',
      invalidParams: [{ param: '/mediaInfoList/m/dcMediaSpecification/streams/s/maxRetry' }],
    });
  });

  it('accepts an extensible enumeration value that this version does not know', () => {
    const body = sessionEvent({ notificationEvent: { eventType: 'SOME_FUTURE_EVENT' } });
    expect(validateNotification('sessionEventNotification', body)).toMatchObject({ valid: true });
  });
});

describe('patterns that backtrack exponentially as written', () => {
  // 10 labels of 7 characters and a trailing space: (7-1)^10 ways for the TS 29.562 pattern as
  // written, seconds of a blocked event loop (minutes on a loaded machine); one for its linear equivalent.
  const nearMiss = `sip:a@${'bbbbbbb.'.repeat(10)}com `;

  it('rejects an ImsPublicId that fails only at its last character at once', () => {
    const started = performance.now();
    const result = validateNotification('sessionEventNotification', sessionEvent({ sessionInfo: { callingIdentity: nearMiss } }));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(result).toMatchObject({ valid: false, invalidParams: [{ param: '/sessionInfo/callingIdentity' }] });
  });

  it.each([
    ['sip:alice@ims.example.com', true],
    ['sip:a@bb.cc', true],
    ['sip:a@b.cc', false],
    ['sip:a@-b.cc', false],
    ['sip:a@bb-.cc', true],
    ['tel:+4930123456', true],
    [nearMiss.trimEnd(), true],
  ])('still accepts exactly the ImsPublicIds the spec pattern accepts: %s', (id, valid) => {
    const pattern = new RegExp(
      String.raw`^(sip\:([a-zA-Z0-9_\-.!~*()&=+$,;?\/]+)\@([A-Za-z0-9]+([-A-Za-z0-9]+)\.)+[a-z]{2,}|tel\:\+[0-9]{5,15})$`,
    );
    expect(pattern.test(id)).toBe(valid);
    expect(validateNotification('sessionEventNotification', sessionEvent({ sessionInfo: { callingIdentity: id } })).valid).toBe(valid);
  });
});
