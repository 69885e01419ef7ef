import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { pointerTokens } from './json-pointer.js';
import { MANIFEST_PATH } from './repo-paths.js';

/*
 * specs/provenance.yaml: where each spec file and each of its data types and responses comes from.
 * The format is described at the top of that file; this module reads it and refuses a malformed one.
 */

/** What a spec file is, relative to 3GPP's published files. */
export const FILE_STATUSES = ['copied', 'trimmed', 'provisional', 'authored'] as const;
export type FileStatus = (typeof FILE_STATUSES)[number];

/** What one data type or response is, relative to the official file it comes from. */
export const COMPONENT_STATUSES = ['copied', 'trimmed', 'departure', 'provisional', 'authored'] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

/** The component sections the manifest tracks. */
export const COMPONENT_SECTIONS = ['schemas', 'responses'] as const;
export type ComponentSection = (typeof COMPONENT_SECTIONS)[number];

/** One intended difference inside a copied component, at one JSON Pointer. */
export interface Departure {
  /** JSON Pointer inside the component (`/properties/streams/minProperties`). */
  at: string;
  /** Upstream's value there; absent when upstream has none (an addition). */
  upstream?: unknown;
  /** Our value there; absent when we have none (a removal). */
  ours?: unknown;
  reason: string;
}

/** The provenance of one data type or response. */
export interface ComponentProvenance {
  status: ComponentStatus;
  /** Fingerprint of upstream's text (`sha256:…`, see schema-fingerprint.ts); for copied, trimmed, departure. */
  upstream?: string;
  /** Every difference from upstream (trimmed: removals only; departure: any). */
  departures: Departure[];
  /** For provisional and authored components: what the definition rests on. */
  basis?: string;
}

/** An intended difference that is not inside one component (an operation, a callback, a header). */
export interface FileDeparture {
  what: string;
  reason: string;
}

/** The provenance of one spec file. */
export interface FileProvenance {
  /** File name in specs/ (the official file's name, for 3GPP files). */
  file: string;
  /** `3GPP TS 29.571`, or `none` for a file that is not 3GPP's. */
  document: string;
  /** `V18.5.0`; for provisional files the release the definition anticipates (`Rel-19`). */
  version: string;
  /** The official file's info.version, where one was copied. */
  apiVersion?: string;
  /** Where the official file is: `<repository>@<branch>:<path>`. */
  source?: string;
  status: FileStatus;
  note?: string;
  schemas: Record<string, ComponentProvenance>;
  responses: Record<string, ComponentProvenance>;
  departures: FileDeparture[];
  /** Provisional items that are not a component of their own (a feature list, a cause). */
  provisional: string[];
}

/** A choice between upstream and something else, recorded with its reason. */
export interface Decision {
  subject: string;
  decision: string;
  reason: string;
}

/** The whole manifest. */
export interface ProvenanceManifest {
  files: FileProvenance[];
  /** How the tools and the server use the specs where that departs from 3GPP practice. */
  implementation: FileDeparture[];
  decisions: Decision[];
}

/** Reads and checks the manifest of the checkout at `root`. */
export function readManifest(root: string): ProvenanceManifest {
  const path = join(root, MANIFEST_PATH);
  return parseManifest(readFileSync(path, 'utf8'), MANIFEST_PATH);
}

/** Parses a manifest's text; throws naming the entry when something is missing or malformed. */
export function parseManifest(text: string, origin = MANIFEST_PATH): ProvenanceManifest {
  const raw = record(parse(text), origin);
  const files = record(raw['files'], `${origin}: files`);
  return {
    files: Object.entries(files).map(([file, entry]) =>
      fileProvenance(file, record(entry, `${origin}: files.${file}`), `${origin}: files.${file}`),
    ),
    implementation: list(raw['implementation'], `${origin}: implementation`).map((item, i) =>
      fileDeparture(item, `${origin}: implementation[${i}]`),
    ),
    decisions: list(raw['decisions'], `${origin}: decisions`).map((item, i) => {
      const where = `${origin}: decisions[${i}]`;
      const entry = record(item, where);
      return {
        subject: nonEmpty(entry['subject'], `${where}.subject`),
        decision: nonEmpty(entry['decision'], `${where}.decision`),
        reason: nonEmpty(entry['reason'], `${where}.reason`),
      };
    }),
  };
}

function fileProvenance(file: string, entry: Record<string, unknown>, where: string): FileProvenance {
  const status = oneOf(entry['status'], FILE_STATUSES, `${where}.status`);
  const sections = Object.fromEntries(
    COMPONENT_SECTIONS.map((section) => {
      const components = entry[section] === undefined ? {} : record(entry[section], `${where}.${section}`);
      return [
        section,
        Object.fromEntries(
          Object.entries(components).map(([name, value]) => [
            name,
            componentProvenance(record(value, `${where}.${section}.${name}`), `${where}.${section}.${name}`),
          ]),
        ),
      ];
    }),
  ) as Record<ComponentSection, Record<string, ComponentProvenance>>;
  return {
    file,
    document: nonEmpty(entry['document'], `${where}.document`),
    version: nonEmpty(entry['version'], `${where}.version`),
    ...optionalText(entry, 'apiVersion', where),
    ...optionalText(entry, 'source', where),
    status,
    ...optionalText(entry, 'note', where),
    schemas: sections.schemas,
    responses: sections.responses,
    departures: list(entry['departures'], `${where}.departures`).map((item, i) => fileDeparture(item, `${where}.departures[${i}]`)),
    provisional: list(entry['provisional'], `${where}.provisional`).map((item, i) => nonEmpty(item, `${where}.provisional[${i}]`)),
  };
}

function componentProvenance(entry: Record<string, unknown>, where: string): ComponentProvenance {
  const status = oneOf(entry['status'], COMPONENT_STATUSES, `${where}.status`);
  const upstream = entry['upstream'] === undefined ? undefined : nonEmpty(entry['upstream'], `${where}.upstream`);
  const fromUpstream = status === 'copied' || status === 'trimmed' || status === 'departure';
  if (fromUpstream && (upstream === undefined || !/^sha256:[0-9a-f]{64}$/.test(upstream))) {
    throw new Error(
      `${where}: a ${status} component needs "upstream: sha256:<64 hex digits>", the fingerprint of upstream's text (pnpm specs:provenance --upstream <folder> prints it)`,
    );
  }
  if (!fromUpstream && upstream !== undefined) throw new Error(`${where}: a ${status} component has no upstream fingerprint`);
  const departures = list(entry['departures'], `${where}.departures`).map((item, i) =>
    departure(record(item, `${where}.departures[${i}]`), `${where}.departures[${i}]`),
  );
  if (status === 'copied' && departures.length > 0)
    throw new Error(`${where}: a copied component lists no departures (status: departure or trimmed)`);
  if (status === 'trimmed' && departures.some((d) => 'ours' in d))
    throw new Error(`${where}: a trimmed component only leaves things out (no "ours:"); use status: departure`);
  if ((status === 'trimmed' || status === 'departure') && departures.length === 0)
    throw new Error(`${where}: a ${status} component lists its departures`);
  const basis = entry['basis'] === undefined ? undefined : nonEmpty(entry['basis'], `${where}.basis`);
  if (!fromUpstream && basis === undefined) throw new Error(`${where}: a ${status} component says what it rests on (basis:)`);
  return { status, ...(upstream === undefined ? {} : { upstream }), departures, ...(basis === undefined ? {} : { basis }) };
}

function departure(entry: Record<string, unknown>, where: string): Departure {
  const at = nonEmpty(entry['at'], `${where}.at`);
  pointerTokens(at);
  if (!('upstream' in entry) && !('ours' in entry)) throw new Error(`${where}: a departure gives upstream's value, ours, or both`);
  return {
    at,
    ...('upstream' in entry ? { upstream: entry['upstream'] } : {}),
    ...('ours' in entry ? { ours: entry['ours'] } : {}),
    reason: nonEmpty(entry['reason'], `${where}.reason`),
  };
}

function fileDeparture(item: unknown, where: string): FileDeparture {
  const entry = record(item, where);
  return { what: nonEmpty(entry['what'], `${where}.what`), reason: nonEmpty(entry['reason'], `${where}.reason`) };
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${where}: expected a mapping`);
  return value as Record<string, unknown>;
}

function list(value: unknown, where: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`${where}: expected a list`);
  return value;
}

function nonEmpty(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`${where}: expected a non-empty string`);
  return value.trim();
}

function optionalText(entry: Record<string, unknown>, key: string, where: string): Record<string, string> {
  return entry[key] === undefined ? {} : { [key]: nonEmpty(entry[key], `${where}.${key}`) };
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], where: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
    throw new Error(`${where}: expected one of ${allowed.join(', ')}`);
  return value as T;
}
