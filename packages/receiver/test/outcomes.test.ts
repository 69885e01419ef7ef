import { describe, expect, expectTypeOf, it } from 'vitest';
import { isNotificationOutcome, notFound, problem, redirect, type NotificationHandlers, type NotificationOutcome } from '../src/index.js';

describe('outcome builders', () => {
  it('types redirect as 308 when permanent and 307 otherwise', () => {
    expectTypeOf(redirect('http://127.0.0.1/a', { permanent: true })).toEqualTypeOf<NotificationOutcome<308>>();
    expectTypeOf(redirect('http://127.0.0.1/a')).toEqualTypeOf<NotificationOutcome<307>>();
    expect(redirect('http://127.0.0.1/a', { permanent: true }).status).toBe(308);
    expect(redirect(new URL('http://127.0.0.1/a')).status).toBe(307);
  });

  it('refuses a redirect to a relative URI', () => {
    expect(() => redirect('/elsewhere')).toThrow(TypeError);
  });

  it('lets a handler answer only the statuses its callback defines', () => {
    const handlers: NotificationHandlers = { onSessionEvent: () => problem(502), onImsSessionEvent: () => problem(503) };
    // @ts-expect-error 502 is not among the IMS Session Notification's responses
    const wrong: NotificationHandlers = { onImsSessionEvent: () => problem(502) };
    expect([handlers, wrong]).toHaveLength(2);
  });

  it('writes Retry-After as seconds or as an HTTP date', () => {
    expect(problem(429, { retryAfter: 1.2 }).headers).toEqual({ 'retry-after': '2' });
    expect(problem(503, { retryAfter: new Date('2030-01-01T00:00:00Z') }).headers).toEqual({
      'retry-after': 'Tue, 01 Jan 2030 00:00:00 GMT',
    });
  });

  it('recognises its outcomes and nothing else', () => {
    expect(isNotificationOutcome(notFound('USER_NOT_FOUND'))).toBe(true);
    expect(isNotificationOutcome({ status: 404 })).toBe(false);
  });
});
