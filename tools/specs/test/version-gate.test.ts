import { describe, expect, it } from 'vitest';
import { isBreakingBump } from '../src/artifact-versions.js';
import type { ContractChange } from '../src/contract-changes.js';
import { versionGate } from '../src/version-gate.js';

function change(consumer: ContractChange['consumer'], breaking: boolean): ContractChange {
  return { api: 'MMTel_CallControl', consumer, breaking, id: 'some-change', text: 'something changed', level: breaking ? 3 : 1 };
}

const RELEASED = {
  '@mmtel/client': '0.1.0',
  '@mmtel/receiver': '0.1.0',
  'org.mmtel:mmtel-callcontrol': '0.1.0',
  'mmtel-callcontrol': '0.1.0',
};

describe('the version gate', () => {
  it('fails every artifact a breaking SDK-user change reaches while its version stays', () => {
    const failures = versionGate([change('sdk-user', true)], RELEASED, RELEASED);
    expect(failures.map((failure) => failure.artifact).sort()).toEqual([
      '@mmtel/client',
      'mmtel-callcontrol',
      'org.mmtel:mmtel-callcontrol',
    ]);
  });

  it('leaves the client alone when only receivers are broken', () => {
    const failures = versionGate([change('receiver', true)], RELEASED, RELEASED);
    expect(failures.map((failure) => failure.artifact)).not.toContain('@mmtel/client');
    expect(failures.map((failure) => failure.artifact)).toContain('@mmtel/receiver');
  });

  it('passes a breaking change once each artifact it reaches has a new minor version under 0.x', () => {
    const bumped = Object.fromEntries(Object.keys(RELEASED).map((name) => [name, '0.2.0']));
    expect(versionGate([change('sdk-user', true), change('receiver', true)], RELEASED, bumped)).toEqual([]);
  });

  it('passes compatible changes without a bump', () => {
    expect(versionGate([change('sdk-user', false), change('receiver', false)], RELEASED, RELEASED)).toEqual([]);
  });
});

describe('a version that announces a breaking change', () => {
  it.each([
    ['0.1.0', '0.2.0', true],
    ['0.1.0', '0.1.1', false],
    ['0.1.0', '1.0.0', true],
    ['1.2.3', '1.3.0', false],
    ['1.2.3', '2.0.0', true],
    ['1.2.3', '1.2.3', false],
  ])('from %s to %s: %s', (released, current, breaking) => {
    expect(isBreakingBump(released, current)).toBe(breaking);
  });
});
