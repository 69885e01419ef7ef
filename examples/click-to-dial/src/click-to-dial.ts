import type { AddressInfo } from 'node:net';
import { createCallControlClient, ImsSessionEvent } from '@mmtel/client';
import { createReceiver } from '@mmtel/receiver';

/** What a click-to-dial call needs. */
export interface ClickToDialOptions {
  /** The MMTel Enabler Server's {apiRoot}. */
  apiRoot: string;
  /**
   * This AS's AF identifier (TS 29.522 afId): the AF its access token names when the server
   * authenticates; any when it does not. Default `default`.
   */
  afId?: string;
  callingParty: string;
  calledParty: string;
  /** Where this AS can be reached by the server, e.g. http://127.0.0.1 (a free port is picked). */
  receiverOrigin: string;
  /** How long to wait for the call to be answered or to fail. */
  timeoutMs?: number;
  /**
   * The reference server's simulated network only: the call scenario to play (`answer`, `busy`,
   * `no-answer`, …; GET {simulator}/scenarios lists them), sent as the x-mmtel-sim-scenario header.
   */
  scenario?: string;
  /** Called with each IMS session event as it is reported, in order. */
  onEvent?: (event: string) => void;
}

/** What happened: every event reported, in order, and how the call ended. */
export interface ClickToDialResult {
  sessionId: string;
  events: string[];
  outcome: 'answered' | 'failed';
  /** The failure cause the network gave (a SIP status), if the call failed. */
  cause?: string;
}

const FINAL = new Set<string>([ImsSessionEvent.SESSION_ESTABLISHMENT_SUCCESS, ImsSessionEvent.SESSION_ESTABLISHMENT_FAILURE]);

/**
 * Click-to-dial: asks the MMTel Enabler Server to set up a call between two parties, follows its
 * progress through the IMS Session Notifications, and releases the session once it is answered.
 */
export async function clickToDial(options: ClickToDialOptions): Promise<ClickToDialResult> {
  const events: string[] = [];
  let cause: string | undefined;
  let settle!: () => void;
  const finished = new Promise<void>((resolve) => (settle = resolve));

  const receiver = createReceiver({
    handlers: {
      onImsSessionEvent: (notification) => {
        for (const report of notification.eventReports) {
          events.push(report.event);
          options.onEvent?.(report.event);
          if (report.cause !== undefined) cause = report.cause;
          if (FINAL.has(report.event)) settle();
        }
      },
    },
  });
  await receiver.listen({ host: new URL(options.receiverOrigin).hostname, port: 0 });
  try {
    const { port } = receiver.server.address() as AddressInfo;
    const mmtel = createCallControlClient({ baseUrl: options.apiRoot, throwOnError: true });
    const { sessionId } = (
      await mmtel.createImsSession(
        {
          afId: options.afId ?? 'default',
          imsSessionInfo: { callingParty: options.callingParty, calledParty: options.calledParty },
          notifUri: `${options.receiverOrigin}:${port}/ims-session-notification`,
        },
        options.scenario !== undefined ? { headers: { 'x-mmtel-sim-scenario': options.scenario } } : {},
      )
    ).data;

    await Promise.race([finished, timeout(options.timeoutMs ?? 30_000)]);
    const outcome = events.includes(ImsSessionEvent.SESSION_ESTABLISHMENT_SUCCESS) ? 'answered' : 'failed';
    await mmtel.releaseImsSession(sessionId);
    return { sessionId, events, outcome, ...(cause !== undefined && { cause }) };
  } finally {
    await receiver.close();
  }
}

function timeout(ms: number): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(`the call did not settle within ${ms} ms`)), ms).unref());
}
