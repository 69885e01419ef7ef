import { affectedArtifacts, CONTRACT_APIS, type ContractApi } from './contract-apis.js';
import type { ContractChange } from './contract-changes.js';
import { isBreakingBump } from './artifact-versions.js';

/** A published artifact that a breaking change reaches without the version that announces it. */
export interface GateFailure {
  artifact: string;
  /** Its version at the base (the recorded release). */
  released: string;
  /** Its version now. */
  current: string;
  /** The breaking changes that reach it. */
  changes: ContractChange[];
}

/**
 * The artifacts whose version does not announce the breaking changes among `changes`: each must
 * be a major version above its base version (a minor one under 0.x, see isBreakingBump). An
 * artifact with no base version is new and owes nothing.
 */
export function versionGate(
  changes: readonly ContractChange[],
  released: Readonly<Record<string, string>>,
  current: Readonly<Record<string, string>>,
  apis: readonly ContractApi[] = CONTRACT_APIS,
): GateFailure[] {
  const reached = new Map<string, ContractChange[]>();
  for (const change of changes) {
    if (!change.breaking) continue;
    const api = apis.find((candidate) => candidate.name === change.api);
    if (api === undefined) continue;
    for (const artifact of affectedArtifacts(api, change.consumer))
      reached.set(artifact.name, [...(reached.get(artifact.name) ?? []), change]);
  }
  const failures: GateFailure[] = [];
  for (const [artifact, breaking] of reached) {
    const base = released[artifact];
    const now = current[artifact];
    if (base === undefined || now === undefined) continue;
    if (!isBreakingBump(base, now)) failures.push({ artifact, released: base, current: now, changes: breaking });
  }
  return failures;
}
