import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { type Message, type NameAddr, type Remote, type SipPackage, type Stack, sip } from './sip-package.js';
import type { SipSettings } from '../../config/server-config.js';

/** Receives the requests that reach the stack (retransmissions are absorbed by its transactions). */
export type RequestHandler = (request: Message, remote: Remote) => void;

/**
 * The `sip` package's stack as the adapter uses it: bound to `MMTEL_SIP_LISTEN` (UDP and TCP),
 * sending requests and responses, with its socket errors kept from crashing the server.
 */
export class SipStack {
  private stack: Stack | undefined;

  constructor(
    private readonly settings: Pick<SipSettings, 'listenHost' | 'listenPort' | 'transport'>,
    private readonly onRequest: RequestHandler,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Our Contact: where the parties send their requests in our dialogs. */
  get contact(): NameAddr {
    const { listenHost, listenPort, transport } = this.settings;
    return { uri: `sip:mmtel@${listenHost}:${listenPort}${transport === 'tcp' ? ';transport=tcp' : ''}`, params: {} };
  }

  /** The host of our Contact and SDP origin. */
  get host(): string {
    return this.settings.listenHost;
  }

  /**
   * Binds the sockets. The package binds them without listening for their errors (a port in
   * use would crash the process), so both are tried here first and a conflict is thrown.
   */
  async start(): Promise<void> {
    const { listenHost, listenPort } = this.settings;
    await probePorts(listenHost, listenPort);
    this.stack = sip.create(
      {
        address: listenHost,
        port: listenPort,
        publicAddress: publicAddress(listenHost),
        logger: { error: this.onError },
      },
      (request, remote) => this.onRequest(request, remote),
    );
  }

  /** Sends a request (its responses, provisional ones included, reach `onResponse`). */
  send(request: Message, onResponse?: (response: Message) => void): void {
    if (this.stack === undefined) throw new Error('the SIP stack is not started');
    this.stack.send(request, onResponse);
  }

  /** Answers a request. */
  respond(request: Message, status: number, reason: string, extension?: Parameters<SipPackage['makeResponse']>[3]): void {
    this.stack?.send(sip.makeResponse(request, status, reason, extension));
  }

  /** Closes the sockets (transactions in progress end). */
  stop(): void {
    this.stack?.destroy();
    this.stack = undefined;
  }
}

/**
 * The host the package writes in Via and, on every request, compares with the next hop: equal,
 * it takes the hop for one of its own flow URIs and, finding none, answers the request itself
 * with 404 (its npm release lacks the fix). A party on the same loopback address as the adapter
 * (a lab on one machine, the tests) would be unreachable, so on loopback the Via names
 * `localhost`: responses still come back, to the received address and rport (RFC 3581) or on
 * the TCP connection. Elsewhere the listen address is the Via host, and a party on the very same
 * address cannot be reached (docs/sip-adapter.md).
 */
export function publicAddress(listenHost: string): string {
  return /^127\./.test(listenHost) || listenHost === 'localhost' ? 'localhost' : listenHost;
}

async function probePorts(host: string, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', (error) => {
      socket.close();
      reject(new Error(`SIP UDP ${host}:${port}: ${error.message}`));
    });
    socket.bind(port, host, () => socket.close(() => resolve()));
  });
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error) => reject(new Error(`SIP TCP ${host}:${port}: ${error.message}`)));
    server.listen(port, host, () => server.close(() => resolve()));
  });
}
