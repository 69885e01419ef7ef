import { setValueAt, valueAt } from './json-pointer.js';
import {
  COMPONENT_SECTIONS,
  readManifest,
  type ComponentProvenance,
  type FileProvenance,
  type ProvenanceManifest,
} from './provenance-manifest.js';
import { MANIFEST_PATH } from './repo-paths.js';
import { fingerprint, sameText } from './schema-fingerprint.js';
import { readSpecComponents, specFileNames } from './spec-files.js';

/** Something the specs and the manifest disagree on. */
export interface ProvenanceProblem {
  /** `specs/<file>`, or the manifest itself. */
  file: string;
  /** `schemas/DcStream`, when the problem is one component's. */
  component?: string;
  message: string;
}

const FIX = `Copy upstream's text, or list the difference as a departure with its reason in ${MANIFEST_PATH} (pnpm specs:provenance --upstream <folder of official files> shows where they differ)`;

/**
 * Compares the spec files of the checkout at `root` with the manifest: every file and every data
 * type and response is listed; each one copied from an official file is upstream's text once its
 * listed departures are undone (its fingerprint is the one recorded), and it holds each departure
 * as listed.
 */
export function checkProvenance(root: string, manifest: ProvenanceManifest = readManifest(root)): ProvenanceProblem[] {
  const problems: ProvenanceProblem[] = [];
  const files = specFileNames(root);
  const listed = new Map(manifest.files.map((entry) => [entry.file, entry]));
  for (const file of files) {
    const entry = listed.get(file);
    if (entry === undefined) problems.push({ file: `specs/${file}`, message: `is not in ${MANIFEST_PATH}: add its provenance` });
    else problems.push(...checkFile(root, entry));
  }
  for (const entry of manifest.files) {
    if (!files.includes(entry.file)) problems.push({ file: MANIFEST_PATH, message: `lists specs/${entry.file}, which does not exist` });
  }
  return problems;
}

function checkFile(root: string, entry: FileProvenance): ProvenanceProblem[] {
  const problems: ProvenanceProblem[] = [];
  const file = `specs/${entry.file}`;
  const components = readSpecComponents(root, entry.file);
  for (const section of COMPONENT_SECTIONS) {
    const ours = components[section];
    const recorded = entry[section];
    for (const name of Object.keys(ours)) {
      const provenance = recorded[name];
      const component = `${section}/${name}`;
      if (provenance === undefined) {
        problems.push({ file, component, message: `is not in ${MANIFEST_PATH}: add its provenance` });
        continue;
      }
      const mismatch = statusMismatch(entry, provenance);
      if (mismatch !== undefined) problems.push({ file, component, message: mismatch });
      problems.push(...checkComponent(ours[name], provenance).map((message) => ({ file, component, message })));
    }
    for (const name of Object.keys(recorded)) {
      if (!Object.hasOwn(ours, name))
        problems.push({
          file,
          component: `${section}/${name}`,
          message: `is listed in ${MANIFEST_PATH} but the file has no such component`,
        });
    }
  }
  return problems;
}

/** A component whose status does not fit its file's (a provisional type in a copied file). */
function statusMismatch(entry: FileProvenance, provenance: ComponentProvenance): string | undefined {
  const allowed =
    entry.status === 'copied'
      ? ['copied']
      : entry.status === 'trimmed'
        ? ['copied', 'trimmed', 'departure']
        : entry.status === 'provisional'
          ? ['provisional']
          : ['authored', 'provisional'];
  return allowed.includes(provenance.status)
    ? undefined
    : `has status ${provenance.status}, which a ${entry.status} file cannot hold (${allowed.join(', ')})`;
}

/**
 * The ways one component differs from its provenance: a listed departure it does not hold, or a
 * difference from upstream that no departure lists.
 */
export function checkComponent(ours: unknown, provenance: ComponentProvenance): string[] {
  if (provenance.upstream === undefined) return [];
  const problems: string[] = [];
  const reverted = structuredClone(ours) as Record<string, unknown>;
  for (const departure of provenance.departures) {
    const here = valueAt(ours, departure.at);
    if ('ours' in departure ? !sameText(here, departure.ours) : here !== undefined) {
      const expected = 'ours' in departure ? JSON.stringify(departure.ours) : 'nothing';
      problems.push(
        `departure at ${departure.at}: the manifest says this copy has ${expected} there, it has ${here === undefined ? 'nothing' : JSON.stringify(here)}`,
      );
    }
    setValueAt(reverted, departure.at, departure.upstream);
  }
  const actual = fingerprint(reverted);
  if (problems.length === 0 && actual !== provenance.upstream) {
    const listed =
      provenance.departures.length === 0 ? 'no departure is listed' : `with its ${provenance.departures.length} listed departure(s) undone`;
    problems.push(`differs from upstream's text (${listed}, its fingerprint is ${actual}, upstream's ${provenance.upstream}). ${FIX}`);
  }
  return problems;
}
