import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JUnitCase } from '@mmtel/toolchain';

/** A test suite in another language (JUnit, pytest) that vitest runs and reports case by case. */
export interface ForeignSuite {
  /** The `describe` title. */
  title: string;
  /**
   * The cases its sources declare (`Class.method`, `module.test_name`), read before it runs, so that
   * a case that never ran fails here instead of vanishing.
   */
  declared: readonly string[];
  /** Starts what the suite needs, runs it, and returns its JUnit report. */
  run(): Promise<{ cases: JUnitCase[]; output: string }>;
  /** Stops what `run` started. */
  cleanUp?(): Promise<void>;
  /** How long `run` may take. */
  timeoutMs: number;
}

/**
 * One vitest test per declared case, each passing only if that case ran and passed in the
 * foreign suite (its failure message and the runner's output tail become the vitest failure), and
 * one that fails if the report holds cases the sources do not declare (a renamed test).
 */
export function describeForeignSuite(suite: ForeignSuite): void {
  describe(suite.title, () => {
    let report: { cases: JUnitCase[]; output: string } | undefined;
    let failure: unknown;
    const key = (c: JUnitCase) => `${c.suite.split('.').at(-1)}.${c.name}`;

    beforeAll(async () => {
      report = await suite.run().catch((error: unknown) => {
        failure = error;
        return undefined;
      });
    }, suite.timeoutMs);
    afterAll(async () => {
      await suite.cleanUp?.();
    });

    it.each(suite.declared.map((name) => [name]))('%s', (name) => {
      if (!report) throw failure instanceof Error ? failure : new Error(String(failure));
      const found = report.cases.find((c) => key(c) === name);
      if (!found) throw new Error(`${name} did not run. Runner output:\n${report.output.slice(-4000)}`);
      if (found.outcome !== 'passed') throw new Error(`${name} ${found.outcome}:\n${found.message}`);
    });

    it('runs exactly the cases its sources declare', () => {
      if (!report) throw failure instanceof Error ? failure : new Error(String(failure));
      expect(report.cases.map(key).sort()).toEqual([...suite.declared].sort());
    });
  });
}
