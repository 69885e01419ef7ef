import type { ListDeliveriesReply, ListDeliveriesRequest } from '../generated/handlers.gen.js';
import type { HandlerContext } from '../handler-context.js';
import { unknownQueryParameters } from '../http/query-parameters.js';
import type { DeliveryState } from '../store/store.js';

/** Lists the delivery record of notifications, newest first, optionally for one session or state. */
export async function ListDeliveries(request: ListDeliveriesRequest, context: HandlerContext): Promise<ListDeliveriesReply> {
  // A misspelt filter (`?session=…`) would list everything; it is refused instead.
  const unknown = unknownQueryParameters(request.query, ['session-id', 'state']);
  if (unknown !== undefined) return { status: 400, body: unknown };
  const { 'session-id': sessionId, state } = request.query;
  const filter = {
    ...(sessionId !== undefined && { sessionId }),
    ...(state !== undefined && { state: state.toLowerCase() as DeliveryState }),
  };
  return { status: 200, body: await context.simulator.deliveries(filter) };
}
