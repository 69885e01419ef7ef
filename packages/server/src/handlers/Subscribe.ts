import type { SubscribeReply, SubscribeRequest } from '../generated/handlers.gen.js';
import type { HandlerContext } from '../handler-context.js';
import { problem } from '../http/problem.js';

/**
 * The pseudo POST /session-event-subscriptions of MMTel_CallEvent exists only to carry the
 * Session Event Notification callback, whose URI is configured locally in the server: there is
 * nothing to create, so it answers 501 (the operation documents only `default`).
 *
 * @see 3GPP TS 29.392 clauses 6.3.3.2 and 6.3.5.2.2
 */
export async function Subscribe(_request: SubscribeRequest, _context: HandlerContext): Promise<SubscribeReply> {
  return {
    status: 501,
    body: problem(
      'NOT_IMPLEMENTED',
      'This is a pseudo resource: Session Event Notifications go to the SessionEventNotificationUri configured in the server (MMTEL_SESSION_EVENT_NOTIFICATION_URI).',
    ),
  };
}
