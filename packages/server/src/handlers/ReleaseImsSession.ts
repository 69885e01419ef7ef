import type { ReleaseImsSessionReply, ReleaseImsSessionRequest } from '../generated/handlers.gen.js';
import type { HandlerContext } from '../handler-context.js';

/**
 * Releases an Individual IMS Session (DELETE): 204, after which the session is gone (404).
 *
 * @see 3GPP TS 29.392 clause 6.4.3.3.3.3
 */
export async function ReleaseImsSession(request: ReleaseImsSessionRequest, context: HandlerContext): Promise<ReleaseImsSessionReply> {
  await context.sessions.release(context.owner, request.params.sessionId);
  return { status: 204 };
}
