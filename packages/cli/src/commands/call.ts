import type { AddressInfo } from 'node:net';
import { ImsSessionEvent, MmtelProblemError, type CallControlClient } from '@mmtel/client';
import {
  connectNotificationWebSocket,
  createReceiver,
  type ImsSessionEventNotification,
  type NotificationWebSocket,
} from '@mmtel/receiver';
import { Command, Option } from 'commander';
import { afIdOfToken, callControlClient, type ApiOptions, withApiOptions } from '../api.js';
import { describeReport } from '../notification-text.js';
import { createOutput, type Output } from '../output.js';
import { positiveSeconds } from './parse.js';

type ImsSessionEventReport = ImsSessionEventNotification['eventReports'][number];

interface CallOptions extends ApiOptions {
  scenario?: string;
  afId?: string;
  hold?: number | true;
  timeout: number;
  receiverHost: string;
  websocket?: boolean;
  json?: boolean;
}

/** How a notification reached this command. */
type Transport = 'http' | 'websocket';

/** Feature 1 of MMTel_CallControl's supportedFeatures, Notification_websocket (TS 29.122 clause 5.2.5.4). */
const NOTIFICATION_WEBSOCKET_FEATURE = '1';

/** How a call ended, and the exit status that says it. */
type Ending = 'answered' | 'failed' | 'timeout' | 'interrupted';

const EXIT_STATUS: Record<Ending, number> = { answered: 0, failed: 1, timeout: 1, interrupted: 130 };

/**
 * `mmtel call <callingParty> <calledParty>`: creates an IMS session (TS 29.522 V19.5.0
 * ImsSession) whose notifUri is a receiver this command opens on loopback, prints each event of
 * the IMS Session Notifications as it arrives, and releases the session once the call is answered
 * (or after `--hold`), failed, or interrupted with Ctrl-C.
 */
export function callCommand(): Command {
  return withApiOptions(new Command('call'))
    .summary('place a call and print its events live')
    .description(
      'Creates an IMS session between two parties (SIP or tel URIs) through MMTel_CallControl, receives its IMS Session ' +
        'Notifications on a receiver of its own, and prints each event as it arrives. Once the call is answered it is released ' +
        '(or held with --hold); Ctrl-C releases it first. Exit status: 0 answered, 1 failed or not answered in time, 2 usage, ' +
        '130 interrupted before an answer.',
    )
    .argument('<callingParty>', 'the calling party, e.g. sip:alice@example.com')
    .argument('<calledParty>', 'the called party, e.g. tel:+4930123456')
    .option(
      '--scenario <name>',
      'the reference server only: the simulated scenario (answer, busy, no-answer, rejected, remote-release, silent)',
    )
    .option('--af-id <id>', 'this AS\'s AF identifier (default: the token\'s subject, else "default")')
    .addOption(
      new Option('--hold [seconds]', 'keep an answered call up (until Ctrl-C or the remote party hangs up, or for that long)').argParser(
        positiveSeconds('--hold'),
      ),
    )
    .addOption(new Option('--timeout <seconds>', 'how long to wait for an answer').default(60).argParser(positiveSeconds('--timeout')))
    .option(
      '--receiver-host <host>',
      "the address of this machine that the server sends notifications to (the receiver's notifUri)",
      '127.0.0.1',
    )
    .option(
      '--websocket',
      'receive the notifications over the WebSocket the server offers (feature Notification_websocket), e.g. when it cannot reach this machine',
    )
    .option('--json', 'one JSON object per line: created, each report, released, and the outcome')
    .action(async (callingParty: string, calledParty: string, options: CallOptions) => {
      process.exitCode = await call(callingParty, calledParty, options);
    });
}

async function call(callingParty: string, calledParty: string, options: CallOptions): Promise<number> {
  const out = createOutput(options.json === true);
  const { color } = out;
  const started = Date.now();
  const reports: ImsSessionEventReport[] = [];
  let created = false;
  const waiters = new Set<() => void>();
  const pending: { report: ImsSessionEventReport; via: Transport }[] = [];
  // With --websocket a report says how it came: the server POSTs to the notifUri while the socket is not open.
  const print = (report: ImsSessionEventReport, via: Transport) => {
    const transport = options.websocket === true ? color.dim(via === 'websocket' ? '  (WebSocket)' : '  (HTTP)') : '';
    out.line(`  ${color.dim(`+${String(Date.now() - started).padStart(5)} ms`)}  ${describeReport(report, color)}${transport}`);
    out.record({ kind: 'report', ...report, ...(options.websocket === true && { via }) });
  };
  const onNotification = (notification: ImsSessionEventNotification, via: Transport) => {
    for (const report of notification.eventReports) {
      reports.push(report);
      // Events that beat the 201 to the terminal are held back so that the session line comes first.
      if (created) print(report, via);
      else pending.push({ report, via });
    }
    for (const wake of waiters) wake();
  };
  const onRefused = (error: Error) => out.error(`a notification was refused: ${error.message}`);

  const receiver = createReceiver({
    handlers: { onImsSessionEvent: (notification) => onNotification(notification, 'http') },
    onError: onRefused,
  });
  let socket: NotificationWebSocket | undefined;
  const host = options.receiverHost;
  await receiver.listen({ host, port: 0 });
  const interrupt = interruption();
  try {
    const { port } = receiver.server.address() as AddressInfo;
    const notifUri = `http://${host.includes(':') ? `[${host}]` : host}:${port}/ims-session-notification`;
    const mmtel = callControlClient(options);
    const afId = options.afId ?? (options.token !== undefined ? afIdOfToken(options.token) : undefined) ?? 'default';
    out.line(`calling ${color.bold(calledParty)} from ${color.bold(callingParty)} through ${options.apiRoot}`);
    const { data } = await mmtel.createImsSession(
      {
        afId,
        imsSessionInfo: { callingParty, calledParty },
        notifUri,
        ...(options.websocket === true && {
          suppFeat: NOTIFICATION_WEBSOCKET_FEATURE,
          websockNotifConfig: { requestWebsocketUri: true },
        }),
      },
      options.scenario !== undefined ? { headers: { 'x-mmtel-sim-scenario': options.scenario } } : {},
    );
    const { sessionId, location } = data;
    out.line(`session ${color.cyan(sessionId)} created (${location}), notifications to ${notifUri}`);
    out.record({ kind: 'created', sessionId, location, notifUri });
    created = true;
    for (const { report, via } of pending.splice(0)) print(report, via);
    if (options.websocket === true)
      socket = await openWebSocket(data.session.websockNotifConfig?.websocketUri, options, out, onNotification, onRefused);

    // Wakes up on every notification; resolves once `done` holds, or with the timer or Ctrl-C.
    const until = (done: () => boolean, ms: number | undefined, onTimeout: Ending): Promise<Ending | 'done'> =>
      new Promise((resolve) => {
        const check = () => {
          if (done()) finish('done');
        };
        const finish = (value: Ending | 'done') => {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(value);
        };
        const timer = ms === undefined ? undefined : setTimeout(() => finish(onTimeout), ms);
        waiters.add(check);
        void interrupt.then(() => finish('interrupted'));
        check();
      });
    const has = (event: string) => reports.some((report) => report.event === event);

    const settled = await until(
      () =>
        has(ImsSessionEvent.SESSION_ESTABLISHMENT_SUCCESS) ||
        has(ImsSessionEvent.SESSION_ESTABLISHMENT_FAILURE) ||
        has(ImsSessionEvent.SESSION_TERMINATION),
      options.timeout * 1000,
      'timeout',
    );
    let ending: Ending;
    if (settled !== 'done') ending = settled;
    else if (has(ImsSessionEvent.SESSION_ESTABLISHMENT_SUCCESS)) {
      ending = 'answered';
      if (options.hold !== undefined && !has(ImsSessionEvent.SESSION_TERMINATION)) {
        out.line(
          color.dim(
            options.hold === true ? 'holding the call: Ctrl-C releases it' : `holding the call for ${options.hold} s (Ctrl-C releases it)`,
          ),
        );
        await until(() => has(ImsSessionEvent.SESSION_TERMINATION), options.hold === true ? undefined : options.hold * 1000, 'answered');
      }
    } else ending = 'failed';
    if (ending === 'interrupted') out.line(color.yellow('interrupted: releasing the session'));

    const remotelyEnded = has(ImsSessionEvent.SESSION_TERMINATION);
    if (!remotelyEnded) await release(mmtel, sessionId, out);
    const cause = reports.findLast((report) => report.cause !== undefined)?.cause;
    report(out, ending, sessionId, remotelyEnded, cause);
    out.record({ kind: 'outcome', outcome: ending, sessionId, events: reports.map((r) => r.event), ...(cause !== undefined && { cause }) });
    // Ctrl-C during an answered call that is being held is how a person hangs up: the call was answered.
    return ending === 'interrupted' && has(ImsSessionEvent.SESSION_ESTABLISHMENT_SUCCESS) ? 0 : EXIT_STATUS[ending];
  } finally {
    interrupt.dispose();
    await socket?.close();
    await receiver.close();
  }
}

/**
 * Opens the notification WebSocket the server granted (TS 29.122 clause 5.2.5.4), with the token
 * the API calls carry. Without one (the server does not offer the feature), or if it cannot be
 * opened, the notifications still come to the notifUri: the call goes on, and the line says so.
 */
async function openWebSocket(
  websocketUri: string | undefined,
  options: CallOptions,
  out: Output,
  onNotification: (notification: ImsSessionEventNotification, via: Transport) => void,
  onRefused: (error: Error) => void,
): Promise<NotificationWebSocket | undefined> {
  if (websocketUri === undefined) {
    out.line(out.color.yellow('the server offers no notification WebSocket (Notification_websocket): notifications come over HTTP'));
    out.record({ kind: 'websocket', offered: false });
    return undefined;
  }
  try {
    const socket = await connectNotificationWebSocket(
      websocketUri,
      { onImsSessionEvent: (notification) => onNotification(notification, 'websocket') },
      { onError: onRefused, ...(options.token !== undefined && { headers: { authorization: `Bearer ${options.token}` } }) },
    );
    out.line(`notifications over the WebSocket ${websocketUri}`);
    out.record({ kind: 'websocket', offered: true, websocketUri });
    return socket;
  } catch (error) {
    out.error(
      `the WebSocket ${websocketUri} could not be opened (${error instanceof Error ? error.message : String(error)}): notifications come over HTTP`,
    );
    return undefined;
  }
}

async function release(mmtel: CallControlClient<true>, sessionId: string, out: Output): Promise<void> {
  try {
    await mmtel.releaseImsSession(sessionId);
    out.record({ kind: 'released', sessionId });
  } catch (error) {
    // Already gone (ended by the network meanwhile): nothing left to release.
    if (error instanceof MmtelProblemError && error.status === 404) return;
    throw error;
  }
}

function report(out: Output, ending: Ending, sessionId: string, remotelyEnded: boolean, cause: string | undefined): void {
  const { color } = out;
  const session = color.dim(`(session ${sessionId})`);
  const causeText = cause !== undefined ? ` with SIP cause ${cause}` : '';
  switch (ending) {
    case 'answered':
      // A termination's cause is the network's reason (BYE, a SIP status), not necessarily a SIP status code.
      out.line(
        `${color.green('answered')}, ${remotelyEnded ? `then released by the remote party${cause !== undefined ? ` (cause ${cause})` : ''}` : 'then released'} ${session}`,
      );
      return;
    case 'failed':
      out.line(`${color.red('failed')}${causeText} ${session}`);
      return;
    case 'timeout':
      out.line(`${color.red('not answered in time')}, released ${session}`);
      return;
    case 'interrupted':
      out.line(`released ${session}`);
      return;
  }
}

/** Ctrl-C (SIGINT, or SIGTERM) as a promise; a second one ends the process at once. */
function interruption(): Promise<void> & { dispose(): void } {
  let fire!: () => void;
  const promise = new Promise<void>((resolve) => (fire = resolve));
  let count = 0;
  const onSignal = () => {
    count += 1;
    if (count > 1) process.exit(130);
    fire();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return Object.assign(promise, {
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  });
}
