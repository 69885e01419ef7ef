import { CONTRACT_APIS, type Consumer, type ContractApi } from './contract-apis.js';
import { contractChanges, type ContractChange } from './contract-changes.js';
import { gitRef, workingTree, type ContractSource } from './contract-sources.js';
import { RELEASED_DIR, releasedVersions, versionsIn } from './release-record.js';
import { versionGate, type GateFailure } from './version-gate.js';

/** What `pnpm specs:diff` found. */
export interface DiffReport {
  /** What was compared, in words. */
  base: string;
  changes: ContractChange[];
  failures: GateFailure[];
}

/**
 * Compares the bundled specs of the checkout at `root` with a base: the recorded release
 * (specs/released/, the default) or the bundles at a git ref; classifies every change per
 * consumer, and checks that each published artifact a breaking change reaches has the version
 * that announces it (relative to its version at the base).
 */
export async function diffContract(
  root: string,
  options: { base?: string; apis?: readonly ContractApi[]; log?: (line: string) => void } = {},
): Promise<DiffReport> {
  const now = workingTree(root);
  const base: { source: ContractSource; dir: string } =
    options.base === undefined
      ? { source: workingTree(root, 'the recorded release'), dir: RELEASED_DIR }
      : { source: gitRef(root, options.base), dir: 'specs/bundled' };
  const apis = options.apis ?? CONTRACT_APIS;
  const changes = await contractChanges(
    base,
    { source: now, dir: 'specs/bundled' },
    { apis, ...(options.log ? { log: options.log } : {}) },
  );
  const released = options.base === undefined ? releasedVersions(base.source) : versionsIn(base.source, apis);
  const failures = versionGate(changes, released, versionsIn(now, apis), apis);
  return { base: options.base === undefined ? `the recorded release (${RELEASED_DIR})` : `git ref ${options.base}`, changes, failures };
}

const CONSUMER: Record<Consumer, string> = {
  'sdk-user': 'SDK users (send requests, read answers)',
  receiver: 'notification receivers (an AS reads notifications, writes answers)',
};

/** The report as text lines. */
export function formatDiff(report: DiffReport): string[] {
  const lines = [`from ${report.base} to the working tree (specs/bundled):`];
  const groups = new Map<string, ContractChange[]>();
  for (const change of report.changes)
    groups.set(`${change.api}\u0000${change.consumer}`, [...(groups.get(`${change.api}\u0000${change.consumer}`) ?? []), change]);
  if (groups.size === 0) lines.push('  no change');
  for (const [key, changes] of groups) {
    const [api, consumer] = key.split('\u0000') as [string, Consumer];
    const breaking = changes.filter((change) => change.breaking).length;
    lines.push(`${api}, for ${CONSUMER[consumer]}: ${breaking} breaking, ${changes.length - breaking} compatible`);
    for (const change of [...changes].sort((a, b) => b.level - a.level)) {
      const where = change.operation && change.path ? ` ${change.operation} ${change.path}` : '';
      lines.push(`  ${change.breaking ? 'BREAKING  ' : 'compatible'} ${change.id}${where}: ${change.text}`);
    }
  }
  if (report.failures.length === 0) lines.push('version gate: every artifact a breaking change reaches announces it (or none is reached)');
  for (const failure of report.failures) {
    const apis = [...new Set(failure.changes.map((change) => `${change.api} (${change.consumer})`))].join(', ');
    lines.push(
      `version gate: ${failure.artifact} is ${failure.current}, released as ${failure.released}: ${failure.changes.length} breaking change(s) of ${apis} need a new major version (a new minor one under 0.x)`,
    );
  }
  return lines;
}
