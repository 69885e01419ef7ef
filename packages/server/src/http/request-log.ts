import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

/**
 * One log line per request, when it is answered, in place of Fastify's two ("incoming request",
 * "request completed"): `POST /mmtel-callcontrol/v1/ims-sessions → 201 (12 ms)`. For the readable
 * log style, where two lines per request drown everything else.
 */
export class OneLineRequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const ms = Math.round(reply.elapsedTime);
    const line = `${request.method} ${request.url} → ${reply.statusCode} (${ms} ms)`;
    const fields = { request: { method: request.method, url: request.url, statusCode: reply.statusCode, responseTime: ms }, line };
    if (error) reply.log.error({ ...fields, err: error }, 'request errored');
    else reply.log.info(fields, 'request completed');
  }
}
