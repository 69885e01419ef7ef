import { describe, expect, it } from 'vitest';
import { auditDeliveries, type DeliveryRecord } from '../support/delivery-audit.js';
import type { Arrival, Fault } from '../support/faulty-receivers.js';
import { tagOf } from '../support/tagged-notifications.js';

// The fault tests trust this audit to find what the engine might get wrong; these cases show it does.

function notification(id: string, seq: number, state: DeliveryRecord['state'] = 'DELIVERED'): DeliveryRecord {
  const body = {
    sessionId: 'a',
    eventReports: [{ event: 'MEDIA_CHANGE_SUCCESS', mediaInfoList: { [`m${seq}`]: { mediaId: `m${seq}`, mediaType: 'AUDIO' } } }],
  };
  return { id, callback: 'imsSessionNotification', sessionId: 'a', target: 'http://127.0.0.1/as', state, attempts: 1, body };
}

function arrival(of: DeliveryRecord, fault: Fault = 'ok', at = 0): Arrival {
  const tag = tagOf(of.body)!;
  return {
    key: tag.key,
    stream: tag.stream,
    seq: tag.seq,
    receiver: 0,
    path: '/as',
    raw: JSON.stringify(of.body),
    fault,
    acked: fault === 'ok',
    at,
  };
}

const [one, two, three] = [notification('n1', 1), notification('n2', 2), notification('n3', 3)] as const;

describe('the delivery audit', () => {
  it('finds nothing wrong in a clean run with a retried notification', () => {
    const audit = auditDeliveries(['n1', 'n2'], [one, two], [arrival(one, 'error'), arrival(one), arrival(two)]);
    expect(audit).toMatchObject({
      missing: [],
      pending: [],
      unreceived: [],
      phantoms: [],
      outOfOrder: [],
      resentAfterAck: [],
      delivered: 2,
      givenUp: 0,
    });
  });

  it('reports an accepted notification the record lost, and one still pending', () => {
    const audit = auditDeliveries(['n1', 'n2', 'gone'], [one, notification('n2', 2, 'PENDING')], [arrival(one)]);
    expect(audit.missing).toEqual(['gone']);
    expect(audit.pending).toHaveLength(1);
  });

  it('reports a notification recorded delivered that no receiver acknowledged', () => {
    expect(auditDeliveries(['n1'], [one], [arrival(one, 'slow')]).unreceived).toHaveLength(1);
  });

  it('counts a given-up notification as settled, received or not', () => {
    const failed = notification('n1', 1, 'FAILED');
    expect(auditDeliveries(['n1'], [failed], [arrival(failed, 'reset')])).toMatchObject({ unreceived: [], givenUp: 1 });
  });

  it('reports a stream going back: an earlier notification after a later one', () => {
    const audit = auditDeliveries(['n1', 'n2', 'n3'], [one, two, three], [arrival(one), arrival(three), arrival(two)]);
    expect(audit.outOfOrder).toHaveLength(1);
  });

  it('reports a notification sent again after it was acknowledged', () => {
    expect(auditDeliveries(['n1'], [one], [arrival(one), arrival(one)]).resentAfterAck).toHaveLength(1);
  });

  it('reports a request that is no recorded notification, or whose body differs', () => {
    const altered = { ...arrival(one), raw: JSON.stringify({ ...(one.body as object), extra: true }) };
    expect(auditDeliveries(['n1'], [one], [arrival(one), altered, arrival(two)]).phantoms).toHaveLength(2);
  });
});
