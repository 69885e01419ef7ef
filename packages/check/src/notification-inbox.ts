import type { AddressInfo } from 'node:net';
import { createReceiver, type NotificationError } from '@mmtel/receiver';
import { BUNDLED, componentSchema, loadSpec } from './attacks/spec-documents.js';
import type { ExchangeJudge } from './exchange-judge.js';

/** Which callback a notification came to. */
export type InboxCallback = 'imsSessionNotification' | 'sessionEventNotification';

/** One notification the kit received, with what the spec says of its body. */
export interface ReceivedNotification {
  callback: InboxCallback;
  /** The IMS session it is about (`sessionId` of the body), when it names one. */
  sessionId: string | undefined;
  body: unknown;
  /** Why the body breaks the spec; empty when it conforms. */
  errors: string[];
}

/** The kit's own notification receiver (@mmtel/receiver) and everything it got. */
export interface NotificationInbox {
  /** The notifUri of IMS sessions the kit creates. */
  imsSessionUri: string;
  /** Where Session Event Notifications reach the kit (a server configured to send them here). */
  sessionEventUri: string;
  readonly received: readonly ReceivedNotification[];
  /** Resolves with the first notification that `match` accepts (already received or to come), or undefined after `timeoutMs`. */
  waitFor(match: (n: ReceivedNotification) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<ReceivedNotification | undefined>;
  close(): Promise<void>;
}

/**
 * Opens the kit's receiver on `port` (0: a free one) of every interface the host needs: each
 * notification is judged twice, by the receiver (which refuses what its callback schema refuses,
 * answering 400) and again by the kit's Ajv judge over the bundled callback specs, so that a
 * lenient receiver cannot hide a body that breaks the spec.
 */
export async function openNotificationInbox(judge: ExchangeJudge, notifyHost: string, port: number): Promise<NotificationInbox> {
  const received: ReceivedNotification[] = [];
  const waiters = new Set<() => void>();
  const callControl = loadSpec(BUNDLED.callControlCallbacks);
  const callEvent = loadSpec(BUNDLED.callEventCallbacks);
  const judgeBody = (callback: InboxCallback, body: unknown): string[] => {
    const [spec, schema] =
      callback === 'imsSessionNotification'
        ? [callControl, componentSchema(callControl, 'ImsSessionEventNotification')]
        : [callEvent, componentSchema(callEvent, 'SessionEventNotification')];
    return judge
      .validatorOf(spec)
      .errors(schema, body)
      .map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
  };
  const record = (callback: InboxCallback, body: unknown, errors: string[]) => {
    const sessionId = typeof body === 'object' && body !== null && 'sessionId' in body ? String(body.sessionId) : undefined;
    received.push({ callback, sessionId, body, errors });
    for (const wake of waiters) wake();
  };
  const receiver = createReceiver({
    handlers: {
      onImsSessionEvent: (body) => record('imsSessionNotification', body, judgeBody('imsSessionNotification', body)),
      // A test notification (TS 29.122 5.2.5.3) is acknowledged and not counted: the kit asks for none.
      onTestNotification: () => undefined,
      onSessionEvent: (body) => record('sessionEventNotification', body, judgeBody('sessionEventNotification', body)),
    },
    onError: (error: NotificationError) => {
      const callback: InboxCallback = error.callback === 'sessionEventNotification' ? 'sessionEventNotification' : 'imsSessionNotification';
      const params = (error.invalidParams ?? []).map((p) => `${p.param}${p.reason === undefined ? '' : ` ${p.reason}`}`);
      const own = error.body === undefined ? [] : judgeBody(callback, error.body);
      record(callback, error.body, [`refused by the receiver (${error.code}): ${error.message}`, ...(own.length > 0 ? own : params)]);
    },
  });
  // Listen where the target can reach it: on the notify host itself when it is an address of this
  // machine, otherwise (a name, or an address behind NAT) on every interface.
  const isLoopback = notifyHost === '127.0.0.1' || notifyHost === '::1' || notifyHost === 'localhost';
  await receiver.listen({ host: isLoopback ? notifyHost : '0.0.0.0', port });
  const { port: bound } = receiver.server.address() as AddressInfo;
  const origin = `http://${notifyHost.includes(':') ? `[${notifyHost}]` : notifyHost}:${bound}`;
  return {
    imsSessionUri: `${origin}/ims-session-notification`,
    sessionEventUri: `${origin}/session-event-notification`,
    received,
    waitFor(match, timeoutMs, signal) {
      return new Promise((resolve) => {
        const done = (value: ReceivedNotification | undefined) => {
          waiters.delete(check);
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(value);
        };
        const check = () => {
          const found = received.find(match);
          if (found !== undefined) done(found);
        };
        const onAbort = () => done(undefined);
        const timer = setTimeout(() => done(undefined), timeoutMs);
        signal?.addEventListener('abort', onAbort);
        waiters.add(check);
        check();
      });
    },
    close: () => receiver.close(),
  };
}
