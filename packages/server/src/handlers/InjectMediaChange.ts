import type { InjectMediaChangeReply, InjectMediaChangeRequest } from '../generated/handlers.gen.js';
import type { HandlerContext } from '../handler-context.js';

/** Injects a media change by the remote party. */
export async function InjectMediaChange(request: InjectMediaChangeRequest, context: HandlerContext): Promise<InjectMediaChangeReply> {
  return { status: 202, body: await context.simulator.injectMediaChange(request.params.sessionId, request.body.mediaInfoList) };
}
