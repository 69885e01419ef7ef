import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { COMPONENT_SECTIONS, type ComponentSection } from './provenance-manifest.js';

/** The components of one spec file that the manifest tracks, by section and name. */
export type SpecComponents = Record<ComponentSection, Record<string, unknown>>;

/** The hand-authored spec files of a checkout: `specs/*.yaml`, by file name, sorted. */
export function specFileNames(root: string): string[] {
  return readdirSync(join(root, 'specs'))
    .filter((name) => name.endsWith('.yaml') && name !== 'provenance.yaml')
    .sort();
}

/** Parses a spec file's text. */
export function parseSpec(text: string, origin: string): Record<string, unknown> {
  const spec: unknown = parse(text);
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) throw new Error(`${origin} is not an OpenAPI document`);
  return spec as Record<string, unknown>;
}

/** The schemas and responses of a parsed spec. */
export function componentsOf(spec: Record<string, unknown>): SpecComponents {
  const components = (spec['components'] ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    COMPONENT_SECTIONS.map((section) => [section, (components[section] ?? {}) as Record<string, unknown>]),
  ) as SpecComponents;
}

/** The schemas and responses of `specs/<file>` in the checkout at `root`. */
export function readSpecComponents(root: string, file: string): SpecComponents {
  const path = join(root, 'specs', file);
  return componentsOf(parseSpec(readFileSync(path, 'utf8'), `specs/${file}`));
}
