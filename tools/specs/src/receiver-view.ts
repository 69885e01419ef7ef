/*
 * oasdiff judges a change from the side of an API's client: a request attribute that becomes
 * required breaks it, an answer attribute that goes away breaks it. An AS is on the other side of
 * the notifications: it reads what the server sends and writes the answers. So its view of the
 * callbacks spec turns them around, and oasdiff's client rules then judge the AS:
 *
 *   - each notification `POST /x` becomes `GET /x`, answering 200 with the notification body (what
 *     the AS reads): an attribute removed, a constraint relaxed, an enumeration widened breaks it;
 *   - each answer the AS may give, status S, becomes `POST /x/answers/S` whose request carries that
 *     answer's body and headers (what the AS writes): a header or attribute that becomes required
 *     breaks it, and an answer that is no longer allowed is an operation removed.
 */

type Json = Record<string, unknown>;

/** The receiver's view of a callbacks bundle (see above); components are kept as they are. */
export function receiverView(callbacks: Json): Json {
  const paths: Json = {};
  for (const [path, item] of Object.entries((callbacks['paths'] ?? {}) as Record<string, Json>)) {
    for (const [method, operation] of Object.entries(item)) {
      if (method !== 'post' || operation === null || typeof operation !== 'object') continue;
      const op = operation as Json;
      const requestBody = resolve(callbacks, op['requestBody']) as Json | undefined;
      const id = typeof op['operationId'] === 'string' ? op['operationId'] : path;
      paths[path] = {
        get: {
          operationId: id,
          summary: `The notification the AS reads (${method.toUpperCase()} ${path})`,
          responses: {
            '200': { description: 'The notification body', ...(requestBody?.['content'] ? { content: requestBody['content'] } : {}) },
          },
        },
      };
      for (const [status, response] of Object.entries((op['responses'] ?? {}) as Json)) {
        const answer = resolve(callbacks, response) as Json;
        const headers = Object.entries((answer['headers'] ?? {}) as Record<string, Json>).map(([name, header]) => ({
          name,
          in: 'header',
          required: header['required'] === true,
          schema: header['schema'] ?? {},
        }));
        paths[`${path}/answers/${status}`] = {
          post: {
            operationId: `${id}Answer${status}`,
            summary: `The ${status} answer the AS writes`,
            ...(headers.length > 0 ? { parameters: headers } : {}),
            ...(answer['content'] ? { requestBody: { required: false, content: answer['content'] } } : {}),
            responses: { '204': { description: 'Sent' } },
          },
        };
      }
    }
  }
  return { openapi: callbacks['openapi'] ?? '3.0.0', info: callbacks['info'], paths, components: callbacks['components'] ?? {} };
}

/** Follows a local `$ref` (`#/components/responses/400`) once; other values are returned as they are. */
function resolve(document: Json, value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const ref = (value as Json)['$ref'];
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return value;
  let node: unknown = document;
  for (const token of ref.slice(2).split('/')) node = (node as Json | undefined)?.[token.replaceAll('~1', '/').replaceAll('~0', '~')];
  return node ?? value;
}
