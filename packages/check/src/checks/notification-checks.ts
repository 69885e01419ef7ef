import type { Check } from '../check-context.js';
import { CLAUSES } from '../clauses.js';

/**
 * The CallEvent check: the reference server's simulator (/sim/v1, not 3GPP) offers an incoming
 * call, and its Session Event Notification must reach the kit's receiver. Another vendor's server
 * has no simulator: the check is skipped, saying so.
 */
const SESSION_EVENT_CHECK: Check = {
  clause: CLAUSES.sessionEventNotification,
  title: "an incoming call's Session Event Notification (SESSION_ESTABLISHMENT_REQUEST) arrives",
  mode: 'create',
  async run(context) {
    const probe = await context.sendRaw({ method: 'GET', path: '/sim/v1/scenarios' });
    if (probe.status !== 200)
      context.skip(`the target has no simulator (GET /sim/v1/scenarios answered ${probe.status}): nothing can make it offer a call`);
    const offered = await context.sendRaw({
      method: 'POST',
      path: '/sim/v1/incoming-calls',
      contentType: 'application/json',
      body: JSON.stringify({ callingIdentity: 'tel:+4930123456', calledIdentity: 'sip:bob@example.com' }),
    });
    if (offered.status !== 202)
      context.skip(
        `the simulator did not offer the call (${offered.status}): ${offered.text.slice(0, 200)}; configure MMTEL_SESSION_EVENT_NOTIFICATION_URI=${context.inbox.sessionEventUri}`,
      );
    const { sessionId } = JSON.parse(offered.text) as { sessionId: string };
    // The delivery record names the target the server is configured with: when it is not this
    // kit, waiting would only end in the timeout.
    const record = await context.sendRaw({ method: 'GET', path: `/sim/v1/deliveries?session-id=${encodeURIComponent(sessionId)}` });
    const target = record.status === 200 ? (JSON.parse(record.text) as Array<{ target?: string }>)[0]?.target : undefined;
    if (target !== undefined && target !== context.inbox.sessionEventUri)
      context.skip(
        `the server sends Session Event Notifications to ${target}, not to this kit: start it with MMTEL_SESSION_EVENT_NOTIFICATION_URI=${context.inbox.sessionEventUri} (a fixed port: --notify-port)`,
      );
    const arrived = await context.inbox.waitFor(
      (n) => n.callback === 'sessionEventNotification' && n.sessionId === sessionId,
      context.settings.notifyTimeoutMs,
      context.settings.signal,
    );
    if (arrived !== undefined) return;
    context.fail(
      `no Session Event Notification about session ${sessionId} reached ${context.inbox.sessionEventUri} within ${context.settings.notifyTimeoutMs / 1000} s`,
    );
  },
};

/** Every notification the kit received during the run, judged against the callback specs: run last. */
const CONFORMING_NOTIFICATIONS_CHECK: Check = {
  clause: CLAUSES.imsSessionNotification,
  title: 'every notification received conforms to the spec (ImsSessionEventNotification, SessionEventNotification)',
  mode: 'create',
  async run(context) {
    const { received } = context.inbox;
    if (received.length === 0) context.skip('no notification arrived');
    for (const notification of received) {
      if (notification.errors.length === 0) continue;
      const clause =
        notification.callback === 'sessionEventNotification' ? CLAUSES.sessionEventNotification : CLAUSES.imsSessionNotification;
      context.fail(
        `a notification about session ${notification.sessionId ?? '?'} breaks the spec: ${notification.errors.join('; ')} (body ${JSON.stringify(notification.body)?.slice(0, 300)})`,
        clause,
      );
    }
  },
};

/** The notification checks: the CallEvent one first, the judgement of all notifications last. */
export const SESSION_EVENT_CHECKS: readonly Check[] = [SESSION_EVENT_CHECK];
/** Runs after every other check, over all the notifications they caused. */
export const FINAL_CHECKS: readonly Check[] = [CONFORMING_NOTIFICATIONS_CHECK];
