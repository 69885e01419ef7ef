import type { CreateImsSessionReply, CreateImsSessionRequest } from '../generated/handlers.gen.js';
import type { HandlerContext } from '../handler-context.js';

/**
 * Creates an Individual IMS Session: 201 with the resource and its URI in Location. The test
 * notification and the simulated call start once the 201 is on its way.
 *
 * @see 3GPP TS 29.392 clause 6.4.3.2.3.1
 */
export async function CreateImsSession(request: CreateImsSessionRequest, context: HandlerContext): Promise<CreateImsSessionReply> {
  const { record, afterResponse } = await context.sessions.create(context.owner, request.body, context.scenario);
  context.afterResponse(afterResponse);
  const location = context.sessions.selfUri(record.sessionId);
  return { status: 201, headers: { Location: location }, body: context.sessions.representation(record, location) };
}
