import { describe, expect, test } from 'vitest';
import { backoffDelay, parseRetryAfter } from '../../src/notifications/backoff.js';

describe('backoffDelay', () => {
  test.each([
    ['first retry at most the initial delay', { attempt: 1, want: 100 }],
    ['doubles per attempt', { attempt: 3, want: 400 }],
    ['capped at the maximum', { attempt: 10, want: 1_000 }],
    ['capped even for huge attempt numbers', { attempt: 5_000, want: 1_000 }],
  ])('%s', (_name, { attempt, want }) => {
    expect(backoffDelay(attempt, 100, 1_000, () => 1)).toBe(want);
  });

  test('draws a full jitter between zero and the ceiling', () => {
    expect(backoffDelay(3, 100, 1_000, () => 0)).toBe(0);
    expect(backoffDelay(3, 100, 1_000, () => 0.5)).toBe(200);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');
  test.each([
    ['delta-seconds', { header: '3', want: 3_000 }],
    ['an HTTP-date', { header: 'Sun, 01 Jun 2025 12:00:05 GMT', want: 5_000 }],
    ['an HTTP-date in the past as zero', { header: 'Sun, 01 Jun 2025 11:00:00 GMT', want: 0 }],
    ['the first of repeated headers', { header: ['2', '9'], want: 2_000 }],
    ['nothing when absent', { header: undefined, want: undefined }],
    ['nothing when unparsable', { header: 'soon', want: undefined }],
    ['nothing for a negative delta', { header: '-1', want: undefined }],
  ])('reads %s', (_name, { header, want }) => {
    expect(parseRetryAfter(header, now)).toBe(want);
  });
});
