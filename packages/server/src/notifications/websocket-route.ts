import type { FastifyInstance } from 'fastify';
import type { SessionService } from '../sessions/session-service.js';
import type { WebSocketHub } from './websocket-hub.js';

/** The path of a session's notification WebSocket, as SessionService.websocketUri builds it. */
const NOTIFICATION_WEBSOCKET_PATH = '/mmtel-callcontrol/v1/notification-websockets/:sessionId';

/**
 * The notification WebSocket of an IMS session: the AF opens the websocketUri it got at creation,
 * and the session's notifications then arrive on it. `scope` must accept WebSocket upgrades and
 * authenticate the AF.
 * @see 3GPP TS 29.122 clause 5.2.5.4
 */
export function registerNotificationWebsocket(scope: FastifyInstance, hub: WebSocketHub, sessions: SessionService): void {
  scope.get<{ Params: { sessionId: string } }>(NOTIFICATION_WEBSOCKET_PATH, { websocket: true }, async (socket, request) => {
    // Another AF's session is as absent as one that does not exist.
    const record = await sessions.find(request.afId, request.params.sessionId);
    if (record?.session.websockNotifConfig?.websocketUri === undefined) {
      socket.close(4404, 'no websocket notification channel for this IMS session');
      return;
    }
    hub.attach(record.sessionId, socket);
  });
}
