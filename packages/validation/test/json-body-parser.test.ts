import { describe, expect, it } from 'vitest';
import { jsonApp } from './support/json-app.js';

/** POSTs `body` to the app's /echo; the status and the JSON answer. */
async function post(body: string | Buffer, contentType = 'application/json', bodyLimit?: number) {
  const app = await jsonApp({ ...(bodyLimit !== undefined && { bodyLimit }) });
  const response = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': contentType }, payload: body });
  return { status: response.statusCode, type: response.headers['content-type'], json: response.json<Record<string, unknown>>() };
}

describe('installJsonBodyParser', () => {
  it('parses a UTF-8 JSON body', async () => {
    expect(await post('{"name":"Zoë"}')).toMatchObject({ status: 200, json: { body: { name: 'Zoë' } } });
  });

  const refused: [
    string,
    { given: { body: string | Buffer; contentType?: string; bodyLimit?: number }; want: { status: number; cause: string } },
  ][] = [
    [
      'bytes that are not UTF-8 inside a string (fuzz finding F5)',
      {
        given: { body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]) },
        want: { status: 400, cause: 'INVALID_MSG_FORMAT' },
      },
    ],
    ['text that is not JSON', { given: { body: '{"a":' }, want: { status: 400, cause: 'INVALID_MSG_FORMAT' } }],
    ['an empty body', { given: { body: '' }, want: { status: 400, cause: 'INVALID_MSG_FORMAT' } }],
    [
      'a __proto__ key (prototype poisoning, fuzz finding F6)',
      { given: { body: '{"__proto__":{"polluted":true}}' }, want: { status: 400, cause: 'INVALID_MSG_FORMAT' } },
    ],
    [
      'a body over the limit',
      { given: { body: JSON.stringify({ a: 'x'.repeat(2048) }), bodyLimit: 1024 }, want: { status: 413, cause: 'PAYLOAD_TOO_LARGE' } },
    ],
    [
      'a content type it was not given',
      { given: { body: '{}', contentType: 'text/plain' }, want: { status: 415, cause: 'UNSUPPORTED_MEDIA_TYPE' } },
    ],
  ];

  it.each(refused)('refuses %s with a ProblemDetails', async (_name, { given, want }) => {
    const answer = await post(given.body, given.contentType, given.bodyLimit);
    expect(answer.status).toBe(want.status);
    expect(answer.type).toMatch(/^application\/problem\+json/);
    expect(answer.json).toMatchObject({ status: want.status, cause: want.cause });
  });
});
