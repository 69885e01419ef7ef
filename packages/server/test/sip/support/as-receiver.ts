import { createServer, type Server } from 'node:http';

/** One IMS Session Notification's event report, as the comparison needs it. */
export interface ReceivedEvent {
  event: string;
  state: string | undefined;
  initiator: string | undefined;
  cause: string | undefined;
}

/** A plain loopback AS: takes IMS Session Notifications (204) and keeps their event reports by session. */
export interface AsReceiver {
  /** The notifUri to give the sessions. */
  uri: string;
  /** The events received for a session, in order of arrival. */
  events(sessionId: string): ReceivedEvent[];
  close(): Promise<void>;
}

/** Starts the receiver on a free loopback port. */
export async function startAsReceiver(): Promise<AsReceiver> {
  const bySession = new Map<string, ReceivedEvent[]>();
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const notification = JSON.parse(body) as {
        sessionId?: string;
        eventReports?: { event: string; sessionState?: string; eventInitiator?: string; cause?: string }[];
      };
      if (notification.sessionId !== undefined) {
        const list = bySession.get(notification.sessionId) ?? [];
        for (const report of notification.eventReports ?? [])
          list.push({ event: report.event, state: report.sessionState, initiator: report.eventInitiator, cause: report.cause });
        bySession.set(notification.sessionId, list);
      }
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    uri: `http://127.0.0.1:${port}/notify`,
    events: (sessionId) => [...(bySession.get(sessionId) ?? [])],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
