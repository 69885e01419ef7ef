import { createServer, type Server } from 'node:http';

/** One IMS Session Notification's event report, as the comparison needs it. */
export interface ReceivedEvent {
  event: string;
  state: string | undefined;
  initiator: string | undefined;
  cause: string | undefined;
}

/** A Session Event Notification (MMTel_CallEvent) as received: its JSON body. */
export interface ReceivedSessionEvent {
  sessionId: string;
  notificationEvent: { eventType: string; eventInitiator?: string };
  sessionInfo?: { callingIdentity?: string; calledIdentity?: string; sessionCase?: string };
  [attribute: string]: unknown;
}

/**
 * A plain loopback AS: takes IMS Session Notifications and Session Event Notifications (204),
 * keeps the event reports of the first by session and the bodies of the second in order.
 */
export interface AsReceiver {
  /** The notifUri to give the sessions (any path of the receiver takes both kinds). */
  uri: string;
  /** The events received for a session, in order of arrival. */
  events(sessionId: string): ReceivedEvent[];
  /** The Session Event Notifications received, in order of arrival. */
  sessionEvents(): ReceivedSessionEvent[];
  close(): Promise<void>;
}

/** Starts the receiver on `port` of 127.0.0.1 (a free one by default). */
export async function startAsReceiver(port = 0): Promise<AsReceiver> {
  const bySession = new Map<string, ReceivedEvent[]>();
  const sessionEvents: ReceivedSessionEvent[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const notification = JSON.parse(body) as {
        sessionId?: string;
        eventReports?: { event: string; sessionState?: string; eventInitiator?: string; cause?: string }[];
        notificationEvent?: unknown;
      };
      if (notification.notificationEvent !== undefined) sessionEvents.push(notification as ReceivedSessionEvent);
      else if (notification.sessionId !== undefined) {
        const list = bySession.get(notification.sessionId) ?? [];
        for (const report of notification.eventReports ?? [])
          list.push({ event: report.event, state: report.sessionState, initiator: report.eventInitiator, cause: report.cause });
        bySession.set(notification.sessionId, list);
      }
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as { port: number }).port;
  return {
    uri: `http://127.0.0.1:${bound}/notify`,
    events: (sessionId) => [...(bySession.get(sessionId) ?? [])],
    sessionEvents: () => [...sessionEvents],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
