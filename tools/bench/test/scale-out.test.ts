import { describe, expect, it } from 'vitest';
import type { ScaleOutDelivery, ScaleOutResult } from '../src/benchmarks/scale-out.js';
import { scaleOutFigures } from '../src/figures.js';
import { coresUsed, cpuPerOp, explainScaleOut, medianRun, type ScaleOutRun } from '../src/scale-out-analysis.js';

/** A run of `opsPerS` over a 2 s window, with each group's share of the cores. */
function run(
  instances: number,
  opsPerS: number,
  cores: { servers: number[]; postgres: number; load: number; machine?: number; steal?: number },
): ScaleOutRun {
  const wallMs = 2000;
  const us = (share: number) => share * wallMs * 1000;
  const total = cores.servers.reduce((a, b) => a + b, 0) + cores.postgres + cores.load;
  return {
    instances,
    opsPerS,
    window: {
      wallMs,
      serversUs: cores.servers.map(us),
      postgresUs: us(cores.postgres),
      othersUs: { 'load generator': us(cores.load) },
      machineBusyUs: us(cores.machine ?? total),
      stealUs: us(cores.steal ?? 0),
    },
  };
}

describe('CPU per operation', () => {
  it('divides each process group’s CPU time over the window by the operations done in it', () => {
    // 1000 ops/s over 2 s = 2000 ops; 0.5 core over 2 s = 1 s = 1e6 µs → 500 µs each.
    const cost = cpuPerOp(run(2, 1000, { servers: [0.5, 0.25], postgres: 0.5, load: 0.25 }));
    expect(cost).toEqual({ perServer: [500, 250], servers: 750, postgres: 500, service: 1250, others: { 'load generator': 250 } });
  });
});

describe('cores used', () => {
  it('counts the machine’s busy time that no process of the benchmark used as other work', () => {
    const used = coresUsed(run(1, 1000, { servers: [0.75], postgres: 0.5, load: 0.25, machine: 1.9, steal: 0.05 }));
    expect(used.total).toBeCloseTo(1.5);
    expect(used.outside).toBeCloseTo(0.4);
    expect(used.steal).toBeCloseTo(0.05);
  });

  it('takes the median round of an instance count by throughput', () => {
    const runs = [1200, 1000, 1100].map((ops) => run(2, ops, { servers: [0.5, 0.5], postgres: 0.5, load: 0.2 }));
    expect(medianRun(runs, 2)?.opsPerS).toBe(1100);
    expect(medianRun(runs, 1)).toBeUndefined();
  });
});

describe('what limits the second instance', () => {
  it('names the saturated cores and the group that took the most when two instances fill the machine', () => {
    const one = run(1, 1000, { servers: [0.9], postgres: 0.4, load: 0.3 });
    const two = run(2, 1150, { servers: [0.55, 0.55], postgres: 0.6, load: 0.3 });
    const sentence = explainScaleOut('create+release', 'cycle', one, two, 2);
    expect(sentence).toContain('2 instances did 1.15× the cycles per second of 1 (1150 vs 1000)');
    expect(sentence).toContain('the server process kept 0.90 of a core busy: one instance is limited by its own event loop');
    expect(sentence).toContain('the cores were saturated');
    expect(sentence).toContain('the servers took the most (1.10 cores)');
    expect(sentence).toContain('CPU per cycle (servers + PostgreSQL) went from 1300 to 1478 µs (+14%; PostgreSQL 400 to 522 µs)');
    expect(sentence).not.toContain('Other work on the machine');
  });

  it('says the limit is waiting, not CPU, when cores stay idle', () => {
    const one = run(1, 600, { servers: [0.4], postgres: 0.2, load: 0.2 });
    const two = run(2, 900, { servers: [0.35, 0.35], postgres: 0.3, load: 0.3 });
    const sentence = explainScaleOut('create+release', 'cycle', one, two, 2);
    expect(sentence).toContain(
      '1.20 cores stayed idle and the event loop was not saturated: the instance spends part of each request waiting on PostgreSQL',
    );
    expect(sentence).toContain('0.70 cores stayed idle, so CPU is not the limit');
  });

  it('says how much other work on the machine took, so that noisy figures are seen as such', () => {
    const one = run(1, 600, { servers: [0.4], postgres: 0.2, load: 0.2, machine: 1.9 });
    const two = run(2, 700, { servers: [0.3, 0.3], postgres: 0.3, load: 0.2, machine: 1.95 });
    const sentence = explainScaleOut('delivery', 'notification', one, two, 2);
    expect(sentence).toContain("the machine's 2 cores were already busy");
    expect(sentence).toContain('(and the other work on the machine)');
    expect(sentence).toContain('other work on the machine took the most (0.85 cores)');
    expect(sentence).toContain('Other work on the machine took 1.10 and 0.85 cores');
    expect(sentence).toContain('that work, not the server, set these figures; measure again on a quiet machine.');
  });

  it('calls the figures noisy when other work took a little of the machine', () => {
    const one = run(1, 600, { servers: [0.4], postgres: 0.2, load: 0.2, machine: 1 });
    const two = run(2, 900, { servers: [0.35, 0.35], postgres: 0.3, load: 0.3, machine: 1.5 });
    expect(explainScaleOut('delivery', 'notification', one, two, 2)).toContain(
      'Other work on the machine took 0.20 and 0.20 cores (hypervisor steal 0.00 and 0.00): the figures are noisy.',
    );
  });
});

describe('the scale-out rows of the table', () => {
  const delivery = (instances: number, opsPerS: number, receiver: Partial<ScaleOutDelivery['receiver']> = {}): ScaleOutDelivery => ({
    ...run(instances, opsPerS, { servers: Array(instances).fill(0.4), postgres: 0.4, load: 0.2 }),
    notifications: 8000,
    streams: 200,
    receiver: { received: 8000, duplicates: 0, outOfOrder: 0, malformed: 0, ...receiver },
  });
  const createRelease = (instances: number, opsPerS: number) => ({
    ...run(instances, opsPerS, { servers: Array(instances).fill(0.5), postgres: 0.3, load: 0.3 }),
    loops: 32,
    cycles: opsPerS * 4,
    durationMs: 4000,
    p50Ms: 10,
    p99Ms: 30 * instances,
    errors: 0,
    errorSamples: [],
  });

  it('sets each two-instance median beside the one-instance median, and each round’s ratio beside the others', () => {
    const result: ScaleOutResult = {
      cores: 2,
      createRelease: [createRelease(1, 1000), createRelease(2, 1300), createRelease(2, 1100), createRelease(1, 1000)],
      delivery: [delivery(1, 3000), delivery(2, 3300)],
      limits: [],
    };
    const [cycles, , p99, notifications] = scaleOutFigures({ ok: true, value: result });
    expect(cycles).toMatchObject({
      value: 1300,
      baseline: 1000,
      baselineName: '1 instance',
      perRound: { of: 'ratio', values: [1.3, 1.1] },
    });
    expect(cycles?.target).toBeUndefined();
    expect(p99).toMatchObject({ value: 60, baseline: 30 });
    expect(notifications).toMatchObject({ value: 3300, baseline: 3000 });
    expect(notifications?.note).toBeUndefined();
  });

  it('notes notifications lost, delivered twice or out of order', () => {
    const result: ScaleOutResult = {
      cores: 2,
      createRelease: [],
      delivery: [delivery(1, 3000), delivery(2, 3300, { received: 7999, duplicates: 1, outOfOrder: 3 })],
      limits: [],
    };
    const notifications = scaleOutFigures({ ok: true, value: result })[3];
    expect(notifications?.note).toBe('2 instance(s): 2 not delivered, 1 delivered twice, 3 out of order');
  });

  it('leaves every figure unmeasured, with the reason, when the benchmark failed', () => {
    const figures = scaleOutFigures({ ok: false, error: 'scale-out: exit 1' });
    expect(figures.map((figure) => figure.value)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(figures[0]?.note).toBe('scale-out: exit 1');
  });
});
