import { afterEach, describe, expect, it } from 'vitest';
import { checkProvenance } from '../src/provenance-check.js';
import { parseManifest } from '../src/provenance-manifest.js';
import { REPO_ROOT } from '../src/repo-paths.js';
import { scratchSpecs, type ScratchSpecs } from './support/scratch-specs.js';

let scratch: ScratchSpecs | undefined;
afterEach(() => scratch?.remove());

/** The problems found after one edit of a copy of the specs. */
function problemsAfter(file: string, from: string, to: string) {
  scratch = scratchSpecs();
  scratch.edit(file, from, to);
  return checkProvenance(scratch.root);
}

describe('the provenance check', () => {
  it('finds every spec file, data type and response as specs/provenance.yaml says', () => {
    expect(checkProvenance(REPO_ROOT)).toEqual([]);
  });

  it('fails on a copied description that is reworded', () => {
    const problems = problemsAfter(
      'TS29571_CommonData.yaml',
      'description: IMS Session Identifier',
      'description: The IMS session identifier.',
    );
    expect(problems).toEqual([
      expect.objectContaining({
        file: 'specs/TS29571_CommonData.yaml',
        component: 'schemas/SessionId',
        message: expect.stringContaining("differs from upstream's text"),
      }),
    ]);
  });

  it('fails on a constraint that upstream lacks and the manifest does not list', () => {
    const problems = problemsAfter(
      'TS29571_CommonData.yaml',
      '          maximum: 65535\n          default: 0',
      '          maximum: 65535\n          minimum: 0\n          default: 0',
    );
    expect(problems.map((p) => p.component)).toEqual(['schemas/DcStream']);
  });

  it('fails on a changed pattern', () => {
    const problems = problemsAfter('TS29571_CommonData.yaml', "pattern: '^[A-Fa-f0-9]*$'", "pattern: '^[A-Fa-f0-9]+$'");
    expect(problems.map((p) => p.component)).toEqual(['schemas/SupportedFeatures']);
  });

  it('fails on a listed departure the copy does not hold', () => {
    const problems = problemsAfter(
      'TS29175_Nimsas_SessionEventControl.yaml',
      "$ref: 'TS29571_CommonData.yaml#/components/schemas/DcStream'",
      "$ref: 'TS29571_CommonData.yaml#/components/schemas/DcEndpoint'",
    );
    expect(problems).toEqual([
      expect.objectContaining({
        component: 'schemas/DcMediaSpecification',
        message: expect.stringContaining('departure at /properties/streams/additionalProperties/$ref'),
      }),
    ]);
  });

  it('accepts a copied description re-wrapped in another scalar style (whitespace only)', () => {
    const problems = problemsAfter(
      'TS29122_CommonData.yaml',
      '      description: >\n        Represents the configuration information for the delivery of notifications over Websockets.\n',
      "      description: 'Represents the configuration information\n        for the delivery   of notifications over Websockets.'\n",
    );
    expect(problems).toEqual([]);
  });

  it('fails on a data type the manifest does not list', () => {
    const problems = problemsAfter(
      'TS29562_Nhss_imsSDM.yaml',
      '  schemas:\n',
      '  schemas:\n    PrivateId:\n      description: String containing a Private User Identity or a Private Service Identity\n      type: string\n',
    );
    expect(problems).toEqual([
      expect.objectContaining({ component: 'schemas/PrivateId', message: expect.stringContaining('is not in specs/provenance.yaml') }),
    ]);
  });

  it('fails on a provisional data type in a copied file', () => {
    const problems = problemsAfter(
      'provenance.yaml',
      'ImsPublicId: { status: copied, upstream: sha256:f148f33f96fea80c2e69e6500a6502bdbf726cd73dcfe3a4534c400a54f05738 }',
      'ImsPublicId: { status: provisional, basis: a guess }',
    );
    expect(problems).toEqual([
      expect.objectContaining({ component: 'schemas/ImsPublicId', message: expect.stringContaining('which a trimmed file cannot hold') }),
    ]);
  });
});

describe('the manifest', () => {
  const file = (component: string) =>
    `files:\n  A.yaml:\n    document: 3GPP TS 29.571\n    version: V18.5.0\n    status: trimmed\n    schemas:\n      X:\n${component}`;

  it.each([
    ['a copied component without the fingerprint of upstream', '        status: copied\n', 'needs "upstream: sha256:'],
    [
      'a copied component with departures',
      `        status: copied\n        upstream: sha256:${'0'.repeat(64)}\n        departures: [{ at: /a, upstream: 1, reason: r }]\n`,
      'lists no departures',
    ],
    [
      'a trimmed component that adds something',
      `        status: trimmed\n        upstream: sha256:${'0'.repeat(64)}\n        departures: [{ at: /a, ours: 1, reason: r }]\n`,
      'only leaves things out',
    ],
    [
      'a departure without its reason',
      `        status: departure\n        upstream: sha256:${'0'.repeat(64)}\n        departures: [{ at: /a, ours: 1 }]\n`,
      'reason: expected a non-empty string',
    ],
    ['a provisional component without its basis', '        status: provisional\n', 'says what it rests on'],
  ])('refuses %s', (_name, component, message) => {
    expect(() => parseManifest(file(component))).toThrow(message);
  });
});
