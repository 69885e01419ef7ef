import type { InjectIncomingCallReply, InjectIncomingCallRequest } from '../generated/handlers.gen.js';
import type { HandlerContext } from '../handler-context.js';

/** Injects an incoming call for a served user: a Session Event Notification SESSION_ESTABLISHMENT_REQUEST. */
export async function InjectIncomingCall(request: InjectIncomingCallRequest, context: HandlerContext): Promise<InjectIncomingCallReply> {
  return { status: 202, body: await context.simulator.injectIncomingCall(request.body) };
}
