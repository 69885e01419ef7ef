/**
 * One reference server instance in a process of its own, for the scale-out benchmark: started by
 * `startReferenceServer` with the configuration given as JSON in argv[2] (DATABASE_URL names the
 * shared PostgreSQL), it posts `{ type: 'ready', apiRoot }` and then obeys the parent's messages
 * (ServerCommand). Its own process, so that its CPU time can be read apart from the others'.
 */
import { startReferenceServer } from '@mmtel/server';

/** What the parent may ask; each is answered by `{ type: 'done', of }` (or `{ type: 'failed', error }`). */
export type ServerCommand =
  /** Stops the notification engine (claimed entries go back to the outbox). */
  | { type: 'pause-delivery' }
  /** Starts the engine again: it claims what is due at once. */
  | { type: 'resume-delivery' }
  /**
   * Removes finished notifications, then enqueues `count` notifications into the shared outbox,
   * spread over `streams` sessions, each numbered in its stream by its notifCorreId (0, 1, …).
   */
  | { type: 'enqueue'; count: number; streams: number; target: string; prefix: string }
  /** Closes the server and exits once the answer is sent. */
  | { type: 'close' };

/** What the server process posts. */
export type ServerMessage =
  | { type: 'ready'; apiRoot: string }
  | { type: 'done'; of: ServerCommand['type'] }
  | { type: 'failed'; error: string };

/** Posts a message to the parent; resolves once it is handed to the OS (so that a disconnect after it cannot drop it). */
const send = (message: ServerMessage): Promise<void> =>
  new Promise((resolve) => {
    process.send?.(message, undefined, {}, () => resolve());
  });

const env = JSON.parse(process.argv[2] ?? '{}') as Record<string, string>;
const server = await startReferenceServer(env);
const { engine, store } = server.app.mmtel;

/** The notifications of one enqueue: the session's IMS Session Notifications, as the engine sends them. */
function notifications(command: Extract<ServerCommand, { type: 'enqueue' }>) {
  const perStream = new Map<number, number>();
  return Array.from({ length: command.count }, (_, i) => {
    const stream = i % command.streams;
    const seq = perStream.get(stream) ?? 0;
    perStream.set(stream, seq + 1);
    const sessionId = `${command.prefix}-${stream}`;
    return {
      stream: `session:${sessionId}`,
      callback: 'imsSessionNotification',
      target: command.target,
      sessionId,
      body: {
        session: `${server.apiRoot}/mmtel-callcontrol/v1/ims-sessions/${sessionId}`,
        sessionId,
        notifCorreId: String(seq),
        eventReports: [{ event: 'SESSION_ESTABLISHMENT_SUCCESS', timeStamp: new Date(0).toISOString(), sessionState: 'ESTABLISHED' }],
      },
    };
  });
}

async function obey(command: ServerCommand): Promise<void> {
  switch (command.type) {
    case 'pause-delivery':
      await engine.stop();
      return;
    case 'resume-delivery':
      engine.start();
      return;
    case 'enqueue': {
      // Earlier runs' delivered entries would otherwise lengthen every claim's scan.
      await store.outbox.prune(Date.now() + 1);
      const items = notifications(command);
      for (let i = 0; i < items.length; i += 1_000) await store.outbox.enqueue(items.slice(i, i + 1_000));
      return;
    }
    case 'close':
      await server.close();
      return;
  }
}

process.on('message', (command: ServerCommand) => {
  obey(command).then(
    async () => {
      await send({ type: 'done', of: command.type });
      // Closed: nothing of the server is left to wait for.
      if (command.type === 'close') process.exit(0);
    },
    (error: unknown) => send({ type: 'failed', error: error instanceof Error ? error.message : String(error) }),
  );
});
// A parent that died (killed on its timeout) leaves no server behind.
process.on('disconnect', () => process.exit(0));
await send({ type: 'ready', apiRoot: server.apiRoot });
