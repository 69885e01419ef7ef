import type { CSeq, Message, NameAddr } from './sip-package.js';

/** What an in-dialog request may carry besides the headers the dialog sets. */
export interface DialogRequestOptions {
  content?: string;
  contentType?: string;
  /** Our Contact: sent with target-refresh requests (re-INVITE). */
  contact?: NameAddr;
  /** Further headers by name (the RAck of a PRACK). */
  headers?: Record<string, string>;
}

/**
 * The state of one SIP dialog as RFC 3261 clause 12 defines it, seen from the side that sent the
 * INVITE (the adapter is always the UAC of its dialogs): Call-ID, local and remote tags, local and
 * remote URIs, local and remote CSeq numbers, remote target and route set. The `sip` package has
 * transactions but no dialogs: this is what builds the requests inside one and checks the ones
 * that arrive.
 */
export class Dialog {
  private constructor(
    readonly callId: string,
    /** Our From (with our tag) in the requests we send. */
    readonly local: NameAddr,
    /** Their To (with their tag) in the requests we send. */
    readonly remote: NameAddr,
    private localSeq: number,
    private remoteSeq: number | undefined,
    /** Where our requests go: the Contact of their 2xx, refreshed by their target-refresh requests. */
    private target: string,
    /** The Record-Route of their 2xx (or reliable 1xx), reversed; fixed once the dialog is confirmed (clause 12.1.2). */
    private routes: readonly NameAddr[],
  ) {}

  /**
   * The dialog a 2xx (or a tagged 1xx) to our INVITE establishes.
   *
   * @see RFC 3261 clause 12.1.2
   */
  static fromResponse(invite: Message, response: Message): Dialog {
    const { from, to, cseq } = required(invite);
    const remoteTag = response.headers.to?.params.tag;
    if (typeof remoteTag !== 'string' || remoteTag === '') throw new Error('the response has no To tag: it does not establish a dialog');
    const contact = firstContact(response);
    if (contact === undefined) throw new Error('the response has no Contact: it does not give a remote target');
    const routeSet = [...(response.headers['record-route'] ?? [])].reverse().map(copyNameAddr);
    return new Dialog(
      String(invite.headers['call-id']),
      copyNameAddr(from),
      { ...copyNameAddr(to), params: { ...to.params, tag: remoteTag } },
      cseq.seq,
      undefined,
      contact.uri,
      routeSet,
    );
  }

  /**
   * Confirms an early dialog (made from a reliable 1xx) with the 2xx of the same INVITE: the
   * route set and the remote target are taken again from the 2xx; the CSeq numbers go on
   * (a PRACK has used one). False when the 2xx is of another dialog (another fork).
   *
   * @see RFC 3261 clause 13.2.2.4
   */
  confirm(response: Message): boolean {
    if (response.headers.to?.params.tag !== this.remote.params.tag) return false;
    this.routes = [...(response.headers['record-route'] ?? [])].reverse().map(copyNameAddr);
    const contact = firstContact(response);
    if (contact !== undefined) this.target = contact.uri;
    return true;
  }

  /** The route set, in the order of the Route header of our requests. */
  get routeSet(): readonly NameAddr[] {
    return this.routes;
  }

  /** The dialog's identity: Call-ID, local tag, remote tag. */
  get id(): string {
    return `${this.callId};${String(this.local.params.tag)};${String(this.remote.params.tag)}`;
  }

  /** The remote target (the request URI of our next request). */
  get remoteTarget(): string {
    return this.target;
  }

  /** The CSeq number of the last request we sent in the dialog. */
  get lastLocalSeq(): number {
    return this.localSeq;
  }

  /**
   * A new request in the dialog (not ACK, not CANCEL): the next CSeq, the remote target as request
   * URI and the route set as Route (loose routing; a strict router in the set is not supported).
   *
   * @see RFC 3261 clause 12.2.1.1
   */
  request(method: string, options: DialogRequestOptions = {}): Message {
    if (method === 'ACK' || method === 'CANCEL')
      throw new Error(`${method} is not a new request of a dialog: use ack(), or cancel the INVITE`);
    this.localSeq += 1;
    return this.build(method, { seq: this.localSeq, method }, options);
  }

  /**
   * The ACK of a 2xx to the INVITE sent with CSeq `inviteSeq` (the initial one or a re-INVITE),
   * optionally with the SDP answer when the INVITE had no offer.
   *
   * @see RFC 3261 clause 13.2.2.4
   */
  ack(inviteSeq: number, options: Omit<DialogRequestOptions, 'contact'> = {}): Message {
    return this.build('ACK', { seq: inviteSeq, method: 'ACK' }, options);
  }

  /** Whether a request belongs to this dialog: its Call-ID, and the tags the other way round. */
  matches(request: Message): boolean {
    return (
      request.headers['call-id'] === this.callId &&
      request.headers.from?.params.tag === this.remote.params.tag &&
      request.headers.to?.params.tag === this.local.params.tag
    );
  }

  /**
   * Takes a request of the other side: false when its CSeq is not above the last one (a stale or
   * reordered request, answered 500 by the caller); a target-refresh request (INVITE, UPDATE)
   * with a Contact moves the remote target.
   *
   * @see RFC 3261 clauses 12.2.2 and 12.2
   */
  receive(request: Message): boolean {
    const seq = request.headers.cseq?.seq;
    if (seq === undefined) return false;
    if (request.method !== 'ACK') {
      if (this.remoteSeq !== undefined && seq <= this.remoteSeq) return false;
      this.remoteSeq = seq;
    }
    if (request.method === 'INVITE' || request.method === 'UPDATE') {
      const contact = firstContact(request);
      if (contact !== undefined) this.target = contact.uri;
    }
    return true;
  }

  private build(method: string, cseq: CSeq, options: DialogRequestOptions): Message {
    return {
      method,
      uri: this.target,
      headers: {
        // Empty: the `sip` package adds our Via with a new branch when it sends.
        via: [],
        to: copyNameAddr(this.remote),
        from: copyNameAddr(this.local),
        'call-id': this.callId,
        cseq,
        'max-forwards': 70,
        ...(this.routes.length > 0 && { route: this.routes.map(copyNameAddr) }),
        ...(options.contact !== undefined && { contact: [copyNameAddr(options.contact)] }),
        ...(options.contentType !== undefined && { 'content-type': options.contentType }),
        ...options.headers,
      },
      ...(options.content !== undefined && { content: options.content }),
    };
  }
}

function required(invite: Message): { from: NameAddr; to: NameAddr; cseq: CSeq } {
  const { from, to, cseq } = invite.headers;
  if (from === undefined || to === undefined || cseq === undefined) throw new Error('the INVITE lacks From, To or CSeq');
  return { from, to, cseq };
}

function firstContact(message: Message): NameAddr | undefined {
  const contact = message.headers.contact;
  return Array.isArray(contact) ? contact[0] : undefined;
}

/** A copy (the `sip` package changes the messages it sends: Route, Via). */
export function copyNameAddr(value: NameAddr): NameAddr {
  return { ...(value.name !== undefined && { name: value.name }), uri: value.uri, params: { ...value.params } };
}
