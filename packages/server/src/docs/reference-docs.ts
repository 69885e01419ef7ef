import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { departuresList, MANIFEST_PATH, provisionalList } from '@mmtel/specs';
import { foreignVariablesNote, variablesTable } from './configuration-tables.js';
import { causeCatalogueSource, errorCausesTable } from './error-causes-table.js';
import { findRegions, regionText, replaceRegions, type FoundRegion } from './markdown-regions.js';

/** The repository's root directory. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

const CONFIGURATION_SCHEMA = 'packages/server/src/config/variables.ts';

/** One generated region: its id in the marker, the file it is generated from, and its content. */
export interface GeneratedRegion {
  id: string;
  /** Repository-relative path of the source, named in the marker. */
  source(): string;
  render(): string;
}

/** Every region `pnpm docs:generate` writes; each must be in exactly one document. */
export const GENERATED_REGIONS: readonly GeneratedRegion[] = [
  {
    id: 'configuration',
    source: () => CONFIGURATION_SCHEMA,
    render: () => `${variablesTable(['server', 'store', 'notifications', 'simulator', 'network'])}\n\n${foreignVariablesNote()}`,
  },
  { id: 'configuration-security', source: () => CONFIGURATION_SCHEMA, render: () => variablesTable(['security']) },
  { id: 'configuration-limits', source: () => CONFIGURATION_SCHEMA, render: () => variablesTable(['limits']) },
  { id: 'error-causes', source: () => relative(REPO_ROOT, causeCatalogueSource().file), render: errorCausesTable },
  { id: 'provisional-definitions', source: () => MANIFEST_PATH, render: () => provisionalList() },
  { id: 'spec-departures', source: () => MANIFEST_PATH, render: () => departuresList() },
];

/**
 * The documents that may hold regions: README.md and every Markdown file under docs/, so that a
 * region moves between them without a change here.
 */
export function referenceDocuments(root = REPO_ROOT): string[] {
  const docs = join(root, 'docs');
  const underDocs = readdirSync(docs, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.md'))
    .map((path) => join(docs, path));
  return [join(root, 'README.md'), ...underDocs.sort()];
}

/** A document whose regions differ from what the sources give, with its up-to-date text. */
export interface StaleDocument {
  /** Repository-relative path. */
  path: string;
  regions: string[];
  updated: string;
}

/**
 * Renders every region and compares it with the documents: the documents that would change,
 * with their new text. Throws when a region is missing, duplicated or unknown.
 */
export function staleDocuments(root = REPO_ROOT): StaleDocument[] {
  const seen = new Map<string, string>();
  const stale: StaleDocument[] = [];
  for (const file of referenceDocuments(root)) {
    const path = relative(root, file);
    const markdown = readFileSync(file, 'utf8');
    const replacements: Array<{ region: FoundRegion; text: string }> = [];
    for (const region of findRegions(markdown)) {
      const generated = GENERATED_REGIONS.find((candidate) => candidate.id === region.id);
      if (generated === undefined)
        throw new Error(`${path}: no generator writes the region "${region.id}" (known: ${GENERATED_REGIONS.map((g) => g.id).join(', ')})`);
      if (seen.has(region.id)) throw new Error(`the region "${region.id}" is in both ${seen.get(region.id)} and ${path}: keep one`);
      seen.set(region.id, path);
      replacements.push({ region, text: regionText(generated.id, generated.source(), generated.render()) });
    }
    const changed = replacements.filter(({ region, text }) => region.text !== text);
    if (changed.length > 0)
      stale.push({ path, regions: changed.map(({ region }) => region.id), updated: replaceRegions(markdown, replacements) });
  }
  const missing = GENERATED_REGIONS.filter((region) => !seen.has(region.id)).map((region) => region.id);
  if (missing.length > 0) {
    throw new Error(
      `no document holds the generated region(s) ${missing.join(', ')}: add "<!-- generated: <id> -->" and "<!-- /generated -->" lines where each belongs (README.md or docs/), then run pnpm docs:generate`,
    );
  }
  return stale;
}

/** Writes the stale documents; returns what was written. */
export function writeReferenceDocs(root = REPO_ROOT): StaleDocument[] {
  const stale = staleDocuments(root);
  for (const document of stale) writeFileSync(join(root, document.path), document.updated);
  return stale;
}
