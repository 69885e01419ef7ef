/*
 * Types for the part of the npm `sip` package (0.0.6, plain JavaScript, no types of its own) that
 * the SIP adapter uses: a stack made by `create`, its messages, and a few helpers. Written from
 * the package's sip.js; header shapes are those of its parsers. A plain module rather than an
 * ambient `declare module 'sip'`: the other packages that compile the server's sources (through
 * `@mmtel/source`) then see the types too.
 */
import { createRequire } from 'node:module';

/** A parsed SIP URI (`sip:user@host:port;params`). */
export interface Uri {
  schema: string;
  user?: string;
  password?: string;
  host: string;
  /** NaN when the URI has no port. */
  port: number;
  params: Record<string, string | null>;
  headers: Record<string, string>;
}

/** A name-addr header value (To, From, Contact, Route, Record-Route). */
export interface NameAddr {
  name?: string;
  /** The URI as text. */
  uri: string;
  params: Record<string, string | null | undefined>;
}

/** One Via header value; the transport layer fills host, port and protocol when it sends. */
export interface Via {
  version?: string;
  protocol?: string;
  host?: string;
  port?: number;
  params: Record<string, string | null | undefined>;
}

/** The CSeq header. */
export interface CSeq {
  seq: number;
  method: string;
}

/** The headers, by lower-case name; the ones below are parsed, any other is its text. */
export interface Headers {
  via?: Via[];
  to?: NameAddr;
  from?: NameAddr;
  'call-id'?: string;
  cseq?: CSeq;
  contact?: NameAddr[] | '*';
  route?: NameAddr[];
  'record-route'?: NameAddr[];
  'content-type'?: string;
  'max-forwards'?: number;
  [name: string]: unknown;
}

/** A request (`method`, `uri`) or a response (`status`, `reason`). */
export interface Message {
  method?: string;
  uri?: string;
  status?: number;
  reason?: string;
  version?: string;
  headers: Headers;
  content?: string;
}

/** Where a message came from. */
export interface Remote {
  protocol: string;
  address: string;
  port: number;
  local: { address: string; port: number };
}

/** What `create` accepts (the options the adapter sets). */
export interface StackOptions {
  address?: string;
  port?: number;
  /** The host written in Via and compared with each next hop (see sip-stack.ts). */
  publicAddress?: string;
  udp?: boolean;
  tcp?: boolean;
  rport?: boolean;
  logger?: {
    send?(message: Message, target: unknown): void;
    recv?(message: Message, remote: Remote): void;
    error?(error: unknown): void;
  };
}

/** A running stack: transport and transaction layers. */
export interface Stack {
  /** Sends a request (responses to it reach `onResponse`, provisional ones included) or a response. */
  send(message: Message, onResponse?: (response: Message) => void): void;
  destroy(): void;
  hostname(): string;
}

/** The functions of the package the adapter calls. */
export interface SipPackage {
  /** Starts a stack; `onRequest` gets each request that is not a retransmission. */
  create(options: StackOptions, onRequest: (request: Message, remote: Remote) => void): Stack;
  /** A response to `request` (Via, To, From, Call-ID and CSeq copied). */
  makeResponse(request: Message, status: number, reason?: string, extension?: { headers?: Partial<Headers>; content?: string }): Message;
  parseUri(uri: string): Uri | undefined;
  stringifyUri(uri: Uri | string): string;
}

/** The `sip` package (CommonJS), typed. */
export const sip = createRequire(import.meta.url)('sip') as SipPackage;
