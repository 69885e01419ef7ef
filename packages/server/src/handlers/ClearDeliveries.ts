import type { ClearDeliveriesReply, ClearDeliveriesRequest } from '../generated/handlers.gen.js';
import type { HandlerContext } from '../handler-context.js';
import { unknownQueryParameters } from '../http/query-parameters.js';

/** Clears the outbox of a development server (DELETE /sim/v1/deliveries). */
export async function ClearDeliveries(request: ClearDeliveriesRequest, context: HandlerContext): Promise<ClearDeliveriesReply> {
  // The operation defines no query parameter, so its generated request type has no query; the
  // route hands the handler whatever query came, and any is refused.
  const { query } = request as ClearDeliveriesRequest & { query?: object };
  const unknown = unknownQueryParameters(query, []);
  if (unknown !== undefined) return { status: 400, body: unknown };
  return { status: 200, body: await context.simulator.deliveryRecord.clear() };
}
