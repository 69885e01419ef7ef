import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { CONTRACT_APIS, type Consumer, type ContractApi } from './contract-apis.js';
import type { ContractSource } from './contract-sources.js';
import { oasdiffChangelog, type OasdiffChange } from './oasdiff.js';
import { receiverView } from './receiver-view.js';

/** One change of the contract, judged for one consumer. */
export interface ContractChange extends OasdiffChange {
  api: string;
  consumer: Consumer;
  /**
   * oasdiff's error (3) and warning (2) levels: a warning is a change that may break (an optional
   * answer attribute removed), and a consumer that relied on it is broken all the same.
   */
  breaking: boolean;
}

/**
 * Every change of the published contract from `base` to `revision`, for each API and consumer:
 * the SDK user's view is the bundled spec, the receiver's the callbacks bundle turned around
 * (receiver-view.ts). An API missing from `base` is new (nothing to break); one missing from
 * `revision` is removed, which breaks everyone.
 */
export async function contractChanges(
  base: { source: ContractSource; dir: string },
  revision: { source: ContractSource; dir: string },
  options: { apis?: readonly ContractApi[]; log?: (line: string) => void } = {},
): Promise<ContractChange[]> {
  const scratch = mkdtempSync(join(tmpdir(), 'mmtel-specs-diff-'));
  try {
    const changes: ContractChange[] = [];
    for (const api of options.apis ?? CONTRACT_APIS) {
      for (const [consumer, file, view] of [
        ['sdk-user', api.bundled, (spec: string) => spec],
        ['receiver', api.callbacks, (spec: string) => stringify(receiverView(parse(spec) as Record<string, unknown>))],
      ] as const) {
        const before = base.source.read(`${base.dir}/${file}`);
        const after = revision.source.read(`${revision.dir}/${file}`);
        if (before === undefined) continue;
        if (after === undefined) {
          changes.push({
            api: api.name,
            consumer,
            id: 'api-removed',
            text: `${file} is gone from ${revision.source.label}`,
            level: 3,
            breaking: true,
          });
          continue;
        }
        const stem = `${api.key}-${consumer}`;
        writeFileSync(join(scratch, `${stem}.base.yaml`), view(before));
        writeFileSync(join(scratch, `${stem}.revision.yaml`), view(after));
        const found = await oasdiffChangelog(join(scratch, `${stem}.base.yaml`), join(scratch, `${stem}.revision.yaml`), options.log);
        changes.push(...found.map((change) => ({ ...pick(change), api: api.name, consumer, breaking: change.level >= 2 })));
      }
    }
    return changes;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function pick(change: OasdiffChange): OasdiffChange {
  const { id, text, level, operation, operationId, path } = change;
  return { id, text, level, ...(operation ? { operation } : {}), ...(operationId ? { operationId } : {}), ...(path ? { path } : {}) };
}
