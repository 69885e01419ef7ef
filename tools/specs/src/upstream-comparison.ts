import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPONENT_SECTIONS, readManifest } from './provenance-manifest.js';
import { differences } from './schema-differences.js';
import { fingerprint } from './schema-fingerprint.js';
import { componentsOf, parseSpec, readSpecComponents } from './spec-files.js';

/**
 * For each copied component whose official file is in `folder`: whether upstream's text is the
 * one the manifest fingerprinted, and where ours differs from it (the departures, or more). The
 * lines a maintainer reads to fill in or check specs/provenance.yaml.
 */
export function compareWithUpstream(root: string, folder: string): string[] {
  const manifest = readManifest(root);
  const official = new Set(readdirSync(folder).filter((name) => name.endsWith('.yaml')));
  const lines: string[] = [];
  for (const entry of manifest.files) {
    if (!official.has(entry.file)) continue;
    const theirsSpec = parseSpec(readFileSync(join(folder, entry.file), 'utf8'), entry.file);
    const theirs = componentsOf(theirsSpec);
    const ours = readSpecComponents(root, entry.file);
    const version = (theirsSpec['info'] as { version?: string } | undefined)?.version;
    lines.push(`${entry.file} (official info.version ${version ?? '?'}; the manifest says ${entry.apiVersion ?? 'none'}):`);
    for (const section of COMPONENT_SECTIONS) {
      for (const [name, provenance] of Object.entries(entry[section])) {
        const upstream = theirs[section][name];
        if (upstream === undefined) {
          lines.push(`  ${section}/${name}: not in the official file`);
          continue;
        }
        const print = fingerprint(upstream);
        const recorded =
          provenance.upstream === undefined
            ? 'none recorded'
            : provenance.upstream === print
              ? 'as recorded'
              : `recorded ${provenance.upstream}`;
        const found = differences(upstream, ours[section][name]);
        const described = found.map(
          (d) => `${d.at}: ${'before' in d ? JSON.stringify(d.before) : '(none)'} → ${'after' in d ? JSON.stringify(d.after) : '(none)'}`,
        );
        lines.push(
          `  ${section}/${name}: upstream ${print} (${recorded}); ${found.length === 0 ? 'ours is the same text' : `ours differs at ${described.join('; ')}`}`,
        );
      }
    }
  }
  if (lines.length === 0) lines.push(`${folder} holds none of the files specs/provenance.yaml lists`);
  return lines;
}
