import type { Message } from '../../src/network/sip/sip-package.js';
import { describe, expect, it } from 'vitest';
import { Dialog } from '../../src/network/sip/dialog.js';

/** Our INVITE, as the adapter sends it (CSeq 7, our tag `ours`). */
function invite(): Message {
  return {
    method: 'INVITE',
    uri: 'sip:bob@bob.test',
    headers: {
      to: { uri: 'sip:bob@bob.test', params: {} },
      from: { uri: 'sip:alice@alice.test', params: { tag: 'ours' } },
      'call-id': 'call-1@mmtel',
      cseq: { seq: 7, method: 'INVITE' },
    },
  };
}

/** Their 2xx: their tag, a Contact, and the Record-Route of two proxies (nearest to us last). */
function answer(overrides: Partial<Message['headers']> = {}): Message {
  return {
    status: 200,
    reason: 'OK',
    headers: {
      to: { uri: 'sip:bob@bob.test', params: { tag: 'theirs' } },
      from: { uri: 'sip:alice@alice.test', params: { tag: 'ours' } },
      'call-id': 'call-1@mmtel',
      cseq: { seq: 7, method: 'INVITE' },
      contact: [{ uri: 'sip:bob@10.0.0.2:5070', params: {} }],
      'record-route': [
        { uri: 'sip:p2.test;lr', params: {} },
        { uri: 'sip:p1.test;lr', params: {} },
      ],
      ...overrides,
    },
  };
}

/** A request of theirs in the dialog. */
function theirs(method: string, seq: number, contact?: string): Message {
  return {
    method,
    uri: 'sip:mmtel@127.0.0.1:5060',
    headers: {
      to: { uri: 'sip:alice@alice.test', params: { tag: 'ours' } },
      from: { uri: 'sip:bob@bob.test', params: { tag: 'theirs' } },
      'call-id': 'call-1@mmtel',
      cseq: { seq, method },
      ...(contact !== undefined && { contact: [{ uri: contact, params: {} }] }),
    },
  };
}

describe('the dialog layer (RFC 3261 clause 12)', () => {
  it('takes its identity from the INVITE and the 2xx: Call-ID, our tag, their tag', () => {
    expect(Dialog.fromResponse(invite(), answer()).id).toBe('call-1@mmtel;ours;theirs');
  });

  it('sends its requests to the remote target, the Contact of the 2xx', () => {
    expect(Dialog.fromResponse(invite(), answer()).request('BYE').uri).toBe('sip:bob@10.0.0.2:5070');
  });

  it('routes its requests by the Record-Route of the 2xx, reversed', () => {
    const bye = Dialog.fromResponse(invite(), answer()).request('BYE');
    expect(bye.headers.route?.map((route) => route.uri)).toEqual(['sip:p1.test;lr', 'sip:p2.test;lr']);
  });

  it('sends no Route without a Record-Route', () => {
    const { 'record-route': _none, ...headers } = answer().headers;
    expect(Dialog.fromResponse(invite(), { ...answer(), headers }).request('BYE').headers.route).toBeUndefined();
  });

  it('numbers each new request one above the last, from the INVITE', () => {
    const dialog = Dialog.fromResponse(invite(), answer());
    expect([dialog.request('INVITE').headers.cseq, dialog.request('BYE').headers.cseq]).toEqual([
      { seq: 8, method: 'INVITE' },
      { seq: 9, method: 'BYE' },
    ]);
  });

  it('acknowledges a 2xx with the CSeq number of its INVITE and the SDP answer', () => {
    const dialog = Dialog.fromResponse(invite(), answer());
    dialog.request('INVITE');
    const ack = dialog.ack(8, { content: 'v=0\r\n', contentType: 'application/sdp' });
    expect([ack.method, ack.headers.cseq, ack.content, ack.headers['content-type']]).toEqual([
      'ACK',
      { seq: 8, method: 'ACK' },
      'v=0\r\n',
      'application/sdp',
    ]);
  });

  it('writes our tag in From and theirs in To', () => {
    const bye = Dialog.fromResponse(invite(), answer()).request('BYE');
    expect([bye.headers.from?.params.tag, bye.headers.to?.params.tag]).toEqual(['ours', 'theirs']);
  });

  it('refuses to make an ACK or a CANCEL a new request of the dialog', () => {
    const dialog = Dialog.fromResponse(invite(), answer());
    expect(() => dialog.request('ACK')).toThrow(/not a new request/);
    expect(() => dialog.request('CANCEL')).toThrow(/not a new request/);
  });

  it('refuses a 2xx without a To tag', () => {
    expect(() => Dialog.fromResponse(invite(), answer({ to: { uri: 'sip:bob@bob.test', params: {} } }))).toThrow(/no To tag/);
  });

  it('refuses a 2xx without a Contact', () => {
    expect(() => Dialog.fromResponse(invite(), answer({ contact: [] }))).toThrow(/no Contact/);
  });

  it.each([
    ['its own request', theirs('BYE', 1), true],
    ['another Call-ID', { ...theirs('BYE', 1), headers: { ...theirs('BYE', 1).headers, 'call-id': 'other' } }, false],
    [
      'the tags the wrong way round',
      { ...theirs('BYE', 1), headers: { ...theirs('BYE', 1).headers, to: { uri: 'x', params: { tag: 'theirs' } } } },
      false,
    ],
  ])('matches %s: %s', (_name, request, matches) => {
    expect(Dialog.fromResponse(invite(), answer()).matches(request)).toBe(matches);
  });

  it('refuses a request of theirs whose CSeq is not above their last one', () => {
    const dialog = Dialog.fromResponse(invite(), answer());
    expect([
      dialog.receive(theirs('INFO', 5)),
      dialog.receive(theirs('INFO', 5)),
      dialog.receive(theirs('INFO', 4)),
      dialog.receive(theirs('BYE', 6)),
    ]).toEqual([true, false, false, true]);
  });

  it('moves the remote target to the Contact of their re-INVITE', () => {
    const dialog = Dialog.fromResponse(invite(), answer());
    dialog.receive(theirs('INVITE', 1, 'sip:bob@10.0.0.3:5070'));
    expect(dialog.request('BYE').uri).toBe('sip:bob@10.0.0.3:5070');
  });

  it('keeps the remote target on a request that is no target refresh', () => {
    const dialog = Dialog.fromResponse(invite(), answer());
    dialog.receive(theirs('INFO', 1, 'sip:bob@10.0.0.3:5070'));
    expect(dialog.request('BYE').uri).toBe('sip:bob@10.0.0.2:5070');
  });

  it('builds each request from copies: the stack changing a sent Route leaves the dialog as it was', () => {
    const dialog = Dialog.fromResponse(invite(), answer());
    dialog.request('BYE').headers.route?.shift();
    expect(dialog.request('BYE').headers.route).toHaveLength(2);
  });

  it('confirms an early dialog with the 2xx of its tag: route set and target from the 2xx, CSeq numbers going on', () => {
    const early = Dialog.fromResponse(invite(), answer({ 'record-route': [] }));
    early.request('PRACK');
    expect(early.confirm(answer({ contact: [{ uri: 'sip:bob@10.0.0.9:5070', params: {} }] }))).toBe(true);
    const bye = early.request('BYE');
    expect([bye.uri, bye.headers.route?.length, bye.headers.cseq?.seq]).toEqual(['sip:bob@10.0.0.9:5070', 2, 9]);
  });

  it('does not confirm an early dialog with the 2xx of another fork', () => {
    const early = Dialog.fromResponse(invite(), answer());
    expect(early.confirm(answer({ to: { uri: 'sip:bob@bob.test', params: { tag: 'other-fork' } } }))).toBe(false);
  });
});
