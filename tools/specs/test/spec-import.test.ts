import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importSpecs } from '../src/spec-import.js';
import { REPO_ROOT } from '../src/repo-paths.js';
import { scratchSpecs, type ScratchSpecs } from './support/scratch-specs.js';

const NEXT_RELEASE = join(import.meta.dirname, 'fixtures/official-next');

let scratch: ScratchSpecs | undefined;
const folders: string[] = [];
afterEach(() => {
  scratch?.remove();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('pnpm specs:import --dry-run', () => {
  it('reports per data type what an official file changes: attributes added, required changed, types added', async () => {
    scratch = scratchSpecs();
    const report = await importSpecs(scratch.root, NEXT_RELEASE, { dryRun: true });
    expect(report.imported).toEqual([{ file: 'TS29175_Nimsas_SessionEventControl.yaml', how: 'trimmed', version: 'V19.9.0' }]);
    expect(report.changes.map(({ component, change }) => [component, change])).toEqual([
      ['schemas/SessionEventNotification', 'changed'],
      ['schemas/EventDirection', 'added'],
    ]);
    expect(report.changes[0]!.differences.map((d) => d.at)).toEqual(['/properties/eventDirection', '/required']);
  });

  it('re-applies our departures where the official file still has what they fix', async () => {
    scratch = scratchSpecs();
    const report = await importSpecs(scratch.root, NEXT_RELEASE, { dryRun: true });
    expect(report.departures.map((d) => `${d.component} ${d.at} ${d.outcome}`)).toEqual([
      'schemas/SessionEventNotification /properties/mediaInfoList/minItems re-applied',
      'schemas/SessionEventNotification /properties/mediaInfoList/minProperties re-applied',
      'schemas/DcMediaSpecification /properties/streams/additionalProperties/$ref re-applied',
      'schemas/DcMediaSpecification /properties/streams/minItems re-applied',
      'schemas/DcMediaSpecification /properties/streams/minProperties re-applied',
    ]);
  });

  it('drops a departure whose upstream text changed, and says so', async () => {
    scratch = scratchSpecs();
    const folder = mkdtempSync(join(tmpdir(), 'mmtel-official-'));
    folders.push(folder);
    cpSync(join(NEXT_RELEASE, 'TS29175_Nimsas_SessionEventControl.yaml'), join(folder, 'TS29175_Nimsas_SessionEventControl.yaml'));
    const official = join(folder, 'TS29175_Nimsas_SessionEventControl.yaml');
    // 3GPP fixed the reference itself: our departure from DcEndpoint has nothing left to fix.
    writeFileSync(
      official,
      readFileSync(official, 'utf8').replace("schemas/DcEndpoint'\n          minItems", "schemas/DcStream'\n          minItems"),
    );
    const report = await importSpecs(scratch.root, folder, { dryRun: true });
    expect(report.departures.filter((d) => d.outcome === 'dropped').map((d) => `${d.component} ${d.at}`)).toEqual([
      'schemas/DcMediaSpecification /properties/streams/additionalProperties/$ref',
    ]);
  });

  it('replaces a file that is not a trimmed copy as it is, and lists its departures as moot', async () => {
    scratch = scratchSpecs();
    const folder = mkdtempSync(join(tmpdir(), 'mmtel-official-'));
    folders.push(folder);
    cpSync(join(REPO_ROOT, 'specs/TS29392_MMTel_CallEvent.yaml'), join(folder, 'TS29392_MMTel_CallEvent.yaml'));
    const report = await importSpecs(scratch.root, folder, { dryRun: true });
    expect(report.imported).toEqual([expect.objectContaining({ file: 'TS29392_MMTel_CallEvent.yaml', how: 'replaced' })]);
    expect(report.droppedFileDepartures.map((d) => d.file)).toEqual(Array(4).fill('TS29392_MMTel_CallEvent.yaml'));
  });

  it('ignores an official file that specs/ has no file of that name for', async () => {
    scratch = scratchSpecs();
    const folder = mkdtempSync(join(tmpdir(), 'mmtel-official-'));
    folders.push(folder);
    cpSync(join(NEXT_RELEASE, 'TS29175_Nimsas_SessionEventControl.yaml'), join(folder, 'TS29175_Nimsas_MediaControl.yaml'));
    const report = await importSpecs(scratch.root, folder, { dryRun: true });
    expect(report).toMatchObject({ imported: [], ignored: ['TS29175_Nimsas_MediaControl.yaml'], changes: [] });
  });
});
