import type { InjectRemoteReleaseReply, InjectRemoteReleaseRequest } from '../generated/handlers.gen.js';
import type { HandlerContext } from '../handler-context.js';

/** Injects a hang-up by the remote party. */
export async function InjectRemoteRelease(request: InjectRemoteReleaseRequest, context: HandlerContext): Promise<InjectRemoteReleaseReply> {
  return { status: 202, body: await context.simulator.injectRemoteRelease(request.params.sessionId) };
}
