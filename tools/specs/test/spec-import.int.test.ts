import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkProvenance } from '../src/provenance-check.js';
import { importSpecs, type ImportReport } from '../src/spec-import.js';
import { scratchCheckout } from './support/scratch-checkout.js';

const NEXT_RELEASE = join(import.meta.dirname, 'fixtures/official-next');

// One import on a scratch copy of the checkout, bounded: regeneration without the SDKs (they need
// a JDK and take a minute), the type-check of the server only, and one quick test project.
describe('pnpm specs:import of an official file whose SessionEventNotification differs from ours', () => {
  let checkout: ReturnType<typeof scratchCheckout>;
  let report: ImportReport;
  beforeAll(async () => {
    checkout = scratchCheckout();
    report = await importSpecs(checkout.root, NEXT_RELEASE, { sdks: false, typecheckDirs: ['packages/server'], tests: ['types'] });
  }, 600_000);
  afterAll(() => checkout?.remove());

  it('regenerates the bundles and types from the official text', () => {
    expect(report.steps.find((step) => step.step === 'pnpm generate')).toEqual({ step: 'pnpm generate', ok: true, failures: [] });
    expect(readFileSync(join(checkout.root, 'specs/bundled/TS29392_MMTel_CallEvent.bundled.yaml'), 'utf8')).toContain('EventDirection');
    expect(readFileSync(join(checkout.root, 'packages/types/src/callevent.gen.ts'), 'utf8')).toMatch(
      /eventDirection: components\["schemas"\]\["EventDirection"\]/,
    );
  });

  it('names the code that no longer compiles: the simulator builds notifications without the new attribute', () => {
    const typecheck = report.steps.find((step) => step.step === 'type-check packages/server');
    expect(typecheck?.ok).toBe(false);
    expect(typecheck?.failures).not.toEqual([]);
    // The Session Event Notifications are built in simulator/session-events.ts, which the SIP network shares.
    for (const failure of typecheck?.failures ?? [])
      expect(failure).toMatch(/^packages\/server\/src\/simulator\/session-events\.ts\(\d+,\d+\): error TS\d+: /);
  });

  it('runs the tests and reports them', () => {
    expect(report.steps.find((step) => step.step.startsWith('tests'))).toEqual({ step: 'tests types', ok: true, failures: [] });
  });

  it('leaves a manifest that matches the imported file, departures re-applied', () => {
    expect(checkProvenance(checkout.root)).toEqual([]);
    const manifest = readFileSync(join(checkout.root, 'specs/provenance.yaml'), 'utf8');
    expect(manifest).toMatch(/TS29175_Nimsas_SessionEventControl\.yaml:\n\s+document: 3GPP TS 29\.175\n\s+version: V19\.9\.0/);
  });

  it('regenerates the README lists from the updated manifest', () => {
    expect(report.steps.find((step) => step.step === 'pnpm docs:generate')?.ok).toBe(true);
    expect(readFileSync(join(checkout.root, 'README.md'), 'utf8')).toContain('trimmed copy of 3GPP TS 29.175 V19.9.0');
  });
});
