import type { UpdateImsSessionReply, UpdateImsSessionRequest } from '../generated/handlers.gen.js';
import type { HandlerContext } from '../handler-context.js';

/**
 * Replaces an Individual IMS Session (PUT): 200 with the updated resource; 403 when the body
 * changes an attribute fixed at creation; 404 for an unknown session.
 *
 * @see 3GPP TS 29.392 clause 6.4.3.3.3.1
 */
export async function UpdateImsSession(request: UpdateImsSessionRequest, context: HandlerContext): Promise<UpdateImsSessionReply> {
  const record = await context.sessions.replace(context.owner, request.params.sessionId, request.body);
  return { status: 200, body: context.sessions.representation(record) };
}
