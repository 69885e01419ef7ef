import type { RetryDeliveryReply, RetryDeliveryRequest } from '../generated/handlers.gen.js';
import type { HandlerContext } from '../handler-context.js';

/** Sends a given-up notification again, as a new notification (POST /sim/v1/deliveries/{deliveryId}/retry). */
export async function RetryDelivery(request: RetryDeliveryRequest, context: HandlerContext): Promise<RetryDeliveryReply> {
  return { status: 201, body: await context.simulator.deliveryRecord.retry(request.params.deliveryId) };
}
