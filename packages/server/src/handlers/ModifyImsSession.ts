import type { ModifyImsSessionReply, ModifyImsSessionRequest } from '../generated/handlers.gen.js';
import type { HandlerContext } from '../handler-context.js';

/**
 * Modifies an Individual IMS Session with a JSON Merge Patch (RFC 7396): 200 with the result.
 *
 * @see 3GPP TS 29.392 clause 6.4.3.3.3.2
 */
export async function ModifyImsSession(request: ModifyImsSessionRequest, context: HandlerContext): Promise<ModifyImsSessionReply> {
  const record = await context.sessions.modify(context.owner, request.params.sessionId, request.body);
  return { status: 200, body: context.sessions.representation(record) };
}
