import type { Message, NameAddr } from './sip-package.js';
import {
  ALERTING,
  ANSWERED,
  type CallReport,
  failed,
  MEDIA_CHANGED,
  mediaChangeFailed,
  NO_ANSWER_CAUSE,
  PROGRESS,
  released,
  remoteMediaChanged,
} from './call-reports.js';
import { copyNameAddr, Dialog } from './dialog.js';
import type { PartyRoute } from './party-uri.js';
import { type Direction, directionOf, heldAnswer, mediaOf, mirrored, SdpOrigin, withDirection, withOrigin } from './sdp.js';
import { newCallId, newTag } from './sip-identifiers.js';
import type { SipStack } from './sip-stack.js';

/** One party of the call: its identity (an ImsPublicId) and where requests to it go. */
export interface Party {
  identity: string;
  route: PartyRoute;
}

/** What a call is built from. */
export interface ThirdPartyCallOptions {
  stack: SipStack;
  /** The calling party: called first (leg A). */
  calling: Party;
  /** The called party: called once the calling party has answered (leg B). */
  called: Party;
  /** A called party not answering within this is cancelled, ms. */
  noAnswerMs: number;
  /** Told of each event, in order. */
  report(report: CallReport): void;
  /** Told once both legs are over. */
  onEnded(): void;
}

type Phase = 'calling-a' | 'calling-b' | 'connecting' | 'established' | 'ended';

/** One leg: the INVITE that opened it and, once answered, its dialog. */
interface Leg {
  name: 'a' | 'b';
  party: Party;
  callId: string;
  invite?: Message;
  /** The INVITE's Route before the `sip` package consumed it (a CANCEL repeats it). */
  inviteRoute?: NameAddr[];
  dialog?: Dialog;
  /** The early dialog of a reliable provisional response (RFC 3262), confirmed by the 2xx. */
  early?: Dialog;
  /** The RSeq of the last reliable provisional response acknowledged (a PRACK sent). */
  lastRSeq?: number;
  origin: SdpOrigin;
  /** The description we last sent in the dialog (what a re-INVITE of the party is answered with). */
  lastSdp?: string;
  /** The direction the party's own last re-INVITE asked for (sendrecv until it sends one). */
  partyDirection?: Direction;
  provisional: boolean;
  /** A CANCEL is owed once a provisional response arrives. */
  cancelPending: boolean;
  /** A re-INVITE we sent awaits its final response (a party's re-INVITE meanwhile gets 491). */
  reinviting: boolean;
  /** A BYE waits for the ACK of that re-INVITE (a BYE overtaking it confuses the party). */
  byePending: boolean;
  over: boolean;
}

/** Attempts of the re-INVITE that connects the calling party, when it meets a re-INVITE of that party (491, glare). */
const RECONNECT_ATTEMPTS = 3;

/**
 * A call between two parties placed by third-party call control (RFC 3725 flow IV): the calling
 * party is INVITEd without an offer; its 200 carries its offer, which is ACKed at once with a held
 * answer (RFC 3725 clause 4.4). The called party is INVITEd with that offer, and may ring as long
 * as it likes: nobody is waiting for an ACK (flow I breaks after ~32 s there, when the calling
 * party gives up retransmitting its 200). The called party's answer is then sent to the calling
 * party as the offer of a re-INVITE, which connects the media. The SIP responses and requests
 * become CallReports (call-reports.ts).
 */
export class ThirdPartyCall {
  private phase: Phase = 'calling-a';
  private readonly a: Leg;
  private readonly b: Leg;
  private progressed = false;
  private alerted = false;
  /** DELETE came: end quietly (the session is gone, nothing is reported). */
  private releasing = false;
  private noAnswer: NodeJS.Timeout | undefined;
  private cancelledForNoAnswer = false;
  /** A media direction asked for before the call was connected: applied once it is. */
  private pendingDirection: Direction | undefined;
  /** The media direction the parties were last re-INVITEd with. */
  private direction: Direction = 'SENDRECV';
  private changingMedia = false;

  constructor(private readonly options: ThirdPartyCallOptions) {
    const host = options.stack.host;
    this.a = leg('a', options.calling, newCallId(host), new SdpOrigin(host));
    this.b = leg('b', options.called, newCallId(host), new SdpOrigin(host));
  }

  /** The Call-IDs of its two legs: the requests of their dialogs go to `handle`. */
  get callIds(): [string, string] {
    return [this.a.callId, this.b.callId];
  }

  /** Calls the calling party. */
  start(): void {
    this.invite(this.a, this.options.called.identity, undefined, (response) => this.onCallingResponse(response));
  }

  /** The session was released (DELETE): CANCEL the leg that is still ringing, BYE the answered ones. */
  release(): void {
    if (this.phase === 'ended') return;
    this.releasing = true;
    this.clearNoAnswer();
    for (const current of [this.a, this.b]) this.hangUp(current);
    this.endIfOver();
  }

  /**
   * The AS changed the media direction (a PUT or PATCH of mediaComponents, as seen from the
   * calling party): both parties are re-INVITEd, each with the other's description in that
   * direction (the calling party's view to the called party, the mirror to the calling party),
   * and MEDIA_CHANGE_SUCCESS or MEDIA_CHANGE_FAILURE reported. Before the call is connected
   * the change waits for it.
   */
  changeDirection(direction: Direction): void {
    if (this.phase === 'ended' || this.releasing) return;
    if (this.phase !== 'established' || this.changingMedia) {
      this.pendingDirection = direction;
      return;
    }
    if (direction === this.direction) return;
    this.changingMedia = true;
    const toCalling = withDirection(this.a.lastSdp ?? '', mirrored(direction), this.a.origin);
    const toCalled = withDirection(this.b.lastSdp ?? '', direction, this.b.origin);
    void this.reinvite(this.a, toCalling)
      .then((status) => (status < 300 ? this.reinvite(this.b, toCalled) : status))
      .then((status) => {
        this.changingMedia = false;
        if (this.phase === 'ended' || this.releasing) return;
        if (status < 300) {
          this.direction = direction;
          this.a.lastSdp = toCalling;
          this.b.lastSdp = toCalled;
          this.report(MEDIA_CHANGED);
        } else this.report(mediaChangeFailed(String(status)));
        this.applyPendingDirection();
      });
  }

  private applyPendingDirection(): void {
    const pending = this.pendingDirection;
    this.pendingDirection = undefined;
    if (pending !== undefined) this.changeDirection(pending);
  }

  /** A re-INVITE of an answered leg with `sdp`; resolves with its final status once ACKed (a BYE waiting for it then goes). */
  private reinvite(current: Leg, sdp: string): Promise<number> {
    const dialog = current.dialog;
    if (dialog === undefined || current.over) return Promise.resolve(481);
    const request = dialog.request('INVITE', { content: sdp, contentType: 'application/sdp', contact: this.options.stack.contact });
    current.reinviting = true;
    return new Promise((resolve) => {
      this.options.stack.send(request, (response) => {
        const status = response.status ?? 500;
        if (status < 200) return;
        if (status < 300) this.sendAck(current, request);
        if (!current.reinviting) return; // a retransmitted 2xx: ACKed again above
        current.reinviting = false;
        if (current.byePending) this.sendBye(current);
        resolve(status);
      });
    });
  }

  /** A request of one of the call's dialogs (its Call-ID is one of ours). */
  handle(request: Message): void {
    const current = request.headers['call-id'] === this.a.callId ? this.a : this.b;
    const dialog = current.dialog;
    if (request.method === 'ACK') return;
    if (dialog === undefined || !dialog.matches(request)) {
      this.options.stack.respond(request, 481, 'Call/Transaction Does Not Exist');
      return;
    }
    if (!dialog.receive(request)) {
      this.options.stack.respond(request, 500, 'Server Internal Error');
      return;
    }
    if (request.method === 'BYE') this.onBye(current, request);
    else if (request.method === 'INVITE') this.onReinvite(current, request);
    else if (request.method === 'OPTIONS' || request.method === 'INFO') this.options.stack.respond(request, 200, 'OK');
    else this.options.stack.respond(request, 405, 'Method Not Allowed', { headers: { allow: 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO' } });
  }

  private onCallingResponse(response: Message): void {
    const status = response.status ?? 500;
    if (status < 200) {
      this.a.provisional = true;
      this.acknowledgeReliable(this.a, response);
      if (this.a.cancelPending) this.cancel(this.a);
      return;
    }
    if (status >= 300) {
      this.a.over = true;
      if (!this.releasing) this.report(failed(String(status), 'SERVED_IMS_SUBSCRIBER'));
      this.endIfOver(true);
      return;
    }
    if (this.a.dialog !== undefined) {
      // A retransmission of the 200: our ACK was lost.
      this.sendAck(this.a, this.a.invite!, this.a.lastSdp);
      return;
    }
    const dialog = this.establish(this.a, response);
    if (dialog === undefined) return;
    const offer = response.content;
    if (offer === undefined || offer.trim() === '') {
      this.sendAck(this.a, this.a.invite!);
      this.hangUp(this.a);
      if (!this.releasing) this.report(failed('488', 'SERVED_IMS_SUBSCRIBER'));
      this.endIfOver(true);
      return;
    }
    this.a.lastSdp = heldAnswer(offer, this.a.origin);
    this.sendAck(this.a, this.a.invite!, this.a.lastSdp);
    if (this.releasing) {
      this.hangUp(this.a);
      return;
    }
    this.phase = 'calling-b';
    this.b.lastSdp = withOrigin(offer, this.b.origin);
    this.invite(this.b, this.options.calling.identity, this.b.lastSdp, (rs) => this.onCalledResponse(rs));
    this.noAnswer = setTimeout(() => {
      this.cancelledForNoAnswer = true;
      this.hangUp(this.b);
    }, this.options.noAnswerMs);
    this.noAnswer.unref();
  }

  private onCalledResponse(response: Message): void {
    const status = response.status ?? 500;
    if (status < 200) {
      this.b.provisional = true;
      this.acknowledgeReliable(this.b, response);
      if (this.b.cancelPending) this.cancel(this.b);
      if (!this.progressed) this.progress();
      if (status === 180 && !this.alerted) {
        this.alerted = true;
        this.report(ALERTING);
      }
      return;
    }
    if (status >= 300) {
      this.clearNoAnswer();
      this.b.over = true;
      if (!this.releasing) this.report(failed(this.cancelledForNoAnswer && status === 487 ? NO_ANSWER_CAUSE : String(status)));
      this.hangUp(this.a);
      this.endIfOver(true);
      return;
    }
    if (this.b.dialog !== undefined) {
      this.sendAck(this.b, this.b.invite!);
      return;
    }
    this.clearNoAnswer();
    const dialog = this.establish(this.b, response);
    if (dialog === undefined) return;
    this.sendAck(this.b, this.b.invite!);
    if (this.releasing || this.a.over) {
      this.hangUp(this.b);
      this.endIfOver();
      return;
    }
    if (!this.progressed) this.progress();
    this.report(ANSWERED);
    this.phase = 'connecting';
    this.reconnect(response.content ?? '', RECONNECT_ATTEMPTS);
  }

  /** The re-INVITE that gives the calling party the called party's description as an offer. */
  private reconnect(answer: string, attempts: number): void {
    const dialog = this.a.dialog;
    if (dialog === undefined || this.a.over || this.releasing) return;
    const sdp = withOrigin(answer, this.a.origin);
    const request = dialog.request('INVITE', { content: sdp, contentType: 'application/sdp', contact: this.options.stack.contact });
    this.a.reinviting = true;
    this.options.stack.send(request, (response) => {
      const status = response.status ?? 500;
      if (status < 200) return;
      this.a.reinviting = false;
      if (status < 300) {
        this.a.lastSdp = sdp;
        this.sendAck(this.a, request);
        if (this.phase === 'connecting') this.phase = 'established';
        if (this.a.byePending) this.sendBye(this.a);
        else this.applyPendingDirection();
        return;
      }
      if (this.a.byePending) return this.sendBye(this.a);
      if (status === 491 && attempts > 1) {
        // Glare: we made the Call-ID, and RFC 3261 clause 14.1 has its owner retry after 2.1–4 s.
        setTimeout(() => this.reconnect(answer, attempts - 1), 2100 + Math.random() * 1900).unref();
        return;
      }
      if (this.a.over || this.releasing) return;
      this.report(released('SERVED_IMS_SUBSCRIBER', String(status)));
      this.hangUp(this.a);
      this.hangUp(this.b);
      this.endIfOver(true);
    });
  }

  private onBye(from: Leg, request: Message): void {
    this.options.stack.respond(request, 200, 'OK');
    from.over = true;
    if (this.releasing || this.phase === 'ended') return this.endIfOver();
    this.clearNoAnswer();
    const other = from === this.a ? this.b : this.a;
    this.hangUp(other);
    this.report(released(from === this.b ? 'REMOTE_IMS_SUBSCRIBER' : 'SERVED_IMS_SUBSCRIBER'));
    this.endIfOver(true);
  }

  /**
   * A party's re-INVITE: a session refresh is answered with what we last sent it, the media stays
   * as it is; one with another direction (a hold, a resume) is answered in the mirrored direction
   * (RFC 3264 clause 6.1) and reported as the party's media change. The other party is not
   * re-INVITEd: the adapter relays no media change a party makes.
   */
  private onReinvite(from: Leg, request: Message): void {
    if (from.reinviting) {
      this.options.stack.respond(request, 491, 'Request Pending');
      return;
    }
    const offer = request.content ? String(request.content) : undefined;
    const direction = offer === undefined ? undefined : directionOf(offer);
    const changed = direction !== undefined && direction !== (from.partyDirection ?? 'SENDRECV') && this.phase === 'established';
    let sdp = from.lastSdp === undefined ? undefined : withOrigin(from.lastSdp, from.origin);
    if (changed && from.lastSdp !== undefined) sdp = withDirection(from.lastSdp, mirrored(direction), from.origin);
    if (sdp !== undefined) from.lastSdp = sdp;
    if (changed) {
      from.partyDirection = direction;
      this.report(remoteMediaChanged(mediaOf(offer!)));
    }
    this.options.stack.respond(request, 200, 'OK', {
      headers: { contact: [this.options.stack.contact], ...(sdp !== undefined && { 'content-type': 'application/sdp' }) },
      ...(sdp !== undefined && { content: sdp }),
    });
  }

  /** Ends a leg: BYE once answered, CANCEL while ringing (owed until a provisional response, RFC 3261 clause 9.1). */
  private hangUp(current: Leg): void {
    if (current.over) return;
    if (current.dialog !== undefined) {
      current.over = true;
      if (current.reinviting) current.byePending = true;
      else this.sendBye(current);
    } else if (current.invite !== undefined) {
      if (current.provisional) this.cancel(current);
      else current.cancelPending = true;
    } else current.over = true;
  }

  private sendBye(current: Leg): void {
    current.byePending = false;
    this.options.stack.send(current.dialog!.request('BYE'), () => undefined);
  }

  private cancel(current: Leg): void {
    current.cancelPending = false;
    const invite = current.invite!;
    const via = invite.headers.via?.[0];
    if (via === undefined) return;
    this.options.stack.send(
      {
        method: 'CANCEL',
        uri: invite.uri!,
        headers: {
          via: [{ ...via, params: { ...via.params } }],
          to: copyNameAddr(invite.headers.to!),
          from: copyNameAddr(invite.headers.from!),
          'call-id': current.callId,
          cseq: { seq: invite.headers.cseq!.seq, method: 'CANCEL' },
          'max-forwards': 70,
          ...(current.inviteRoute !== undefined && { route: current.inviteRoute.map(copyNameAddr) }),
        },
      },
      () => undefined,
    );
  }

  private invite(current: Leg, fromIdentity: string, sdp: string | undefined, onResponse: (response: Message) => void): void {
    const route =
      current.party.route.route === undefined ? undefined : [{ uri: current.party.route.route.replace(/^<|>$/g, ''), params: {} }];
    const invite: Message = {
      method: 'INVITE',
      uri: current.party.route.requestUri,
      headers: {
        to: { uri: current.party.identity, params: {} },
        from: { uri: fromIdentity, params: { tag: newTag() } },
        'call-id': current.callId,
        cseq: { seq: 1, method: 'INVITE' },
        contact: [this.options.stack.contact],
        'max-forwards': 70,
        allow: 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, PRACK',
        supported: '100rel',
        ...(route !== undefined && { route }),
        ...(sdp !== undefined && { 'content-type': 'application/sdp' }),
      },
      ...(sdp !== undefined && { content: sdp }),
    };
    current.invite = invite;
    if (route !== undefined) current.inviteRoute = route.map(copyNameAddr);
    this.options.stack.send(invite, onResponse);
  }

  /**
   * PRACKs a reliable provisional response (Require: 100rel, RSeq) in its early dialog, once
   * per RSeq (a retransmission is not acknowledged again).
   *
   * @see RFC 3262 clause 4
   */
  private acknowledgeReliable(current: Leg, response: Message): void {
    const rseq = Number(response.headers.rseq);
    const require = response.headers.require;
    if (typeof require !== 'string' || !/\b100rel\b/i.test(require) || !Number.isInteger(rseq)) return;
    if (current.lastRSeq !== undefined && rseq <= current.lastRSeq) return;
    try {
      current.early ??= Dialog.fromResponse(current.invite!, response);
    } catch {
      return; // no To tag or Contact: no early dialog to PRACK in
    }
    current.lastRSeq = rseq;
    const rack = `${rseq} ${current.invite!.headers.cseq!.seq} INVITE`;
    // Written RAck: the sip package capitalises each word of a lower-case name (Rack), which some agents (SIPp) do not match.
    this.options.stack.send(current.early.request('PRACK', { headers: { RAck: rack } }), () => undefined);
  }

  private establish(current: Leg, response: Message): Dialog | undefined {
    try {
      current.dialog = current.early?.confirm(response) === true ? current.early : Dialog.fromResponse(current.invite!, response);
      return current.dialog;
    } catch {
      // A 2xx without To tag or Contact cannot be ACKed in a dialog: the leg is lost.
      current.over = true;
      if (!this.releasing) this.report(failed('500', current.name === 'a' ? 'SERVED_IMS_SUBSCRIBER' : 'REMOTE_IMS_SUBSCRIBER'));
      this.hangUp(current === this.a ? this.b : this.a);
      this.endIfOver(true);
      return undefined;
    }
  }

  private sendAck(current: Leg, invite: Message, sdp?: string): void {
    const dialog = current.dialog!;
    const seq = invite.headers.cseq!.seq;
    this.options.stack.send(dialog.ack(seq, sdp === undefined ? {} : { content: sdp, contentType: 'application/sdp' }));
  }

  private progress(): void {
    this.progressed = true;
    this.report(PROGRESS);
  }

  private report(report: CallReport): void {
    this.options.report(report);
  }

  private clearNoAnswer(): void {
    if (this.noAnswer !== undefined) clearTimeout(this.noAnswer);
    this.noAnswer = undefined;
  }

  /**
   * Ends the call's bookkeeping once both legs are over; `force` when a failure or a release
   * ended it (a leg still ringing is being cancelled and will not be heard of again).
   */
  private endIfOver(force = false): void {
    if (this.phase === 'ended') return;
    if (force) this.phase = 'ended';
    const legsOver = [this.a, this.b].every((current) => current.over || current.invite === undefined || current.cancelPending);
    if (force || legsOver) {
      this.phase = 'ended';
      this.clearNoAnswer();
      // Late responses and requests (a BYE's 200, a retransmitted 2xx) may still come: let them pass a little.
      setTimeout(() => this.options.onEnded(), 32_000).unref();
    }
  }
}

function leg(name: 'a' | 'b', party: Party, callId: string, origin: SdpOrigin): Leg {
  return { name, party, callId, origin, provisional: false, cancelPending: false, reinviting: false, byePending: false, over: false };
}
