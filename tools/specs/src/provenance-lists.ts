import { readManifest, type ComponentProvenance, type Departure, type ProvenanceManifest } from './provenance-manifest.js';
import { REPO_ROOT } from './repo-paths.js';

/*
 * The README's lists of provisional definitions and of departures, rendered from the manifest
 * (`pnpm docs:generate` writes them into the regions "provisional-definitions" and
 * "spec-departures").
 */

/** The Markdown list of what 3GPP has not published yet: provisional files, their types, other items. */
export function provisionalList(manifest: ProvenanceManifest = readManifest(REPO_ROOT)): string {
  const lines: string[] = [];
  for (const entry of manifest.files) {
    const names = [...Object.entries(entry.schemas), ...Object.entries(entry.responses)]
      .filter(([, p]) => p.status === 'provisional')
      .map(([name]) => `\`${name}\``);
    if (names.length > 0) lines.push(`- \`specs/${entry.file}\` (${entry.document} ${entry.version}): ${names.join(', ')}.`);
  }
  for (const entry of manifest.files) for (const item of entry.provisional) lines.push(`- ${item}`);
  return lines.join('\n');
}

/**
 * The Markdown list of every intended difference from a 3GPP file or the seed: inside copied
 * components (grouped by reason), outside them, in how the tools use the specs, then the
 * decisions to follow upstream.
 */
export function departuresList(manifest: ProvenanceManifest = readManifest(REPO_ROOT)): string {
  const lines: string[] = [];
  for (const entry of manifest.files) {
    const where = `\`specs/${entry.file}\``;
    if (entry.status === 'trimmed')
      lines.push(
        `- ${where} is a trimmed copy of ${entry.document} ${entry.version}: ${entry.note ?? 'only the components the MMTel APIs use.'}`,
      );
    for (const [section, components] of [
      ['schemas', entry.schemas],
      ['responses', entry.responses],
    ] as const) {
      for (const [name, provenance] of Object.entries(components)) {
        for (const group of byReason(provenance)) {
          const label = section === 'schemas' ? `\`${name}\`` : `response \`${name}\``;
          lines.push(`- ${where}, ${label}: ${group.departures.map(describe).join('; ')}. Why: ${group.reason}`);
        }
      }
    }
    for (const departure of entry.departures) lines.push(`- ${where}: ${departure.what} Why: ${departure.reason}`);
  }
  for (const item of manifest.implementation) lines.push(`- ${item.what} Why: ${item.reason}`);
  if (manifest.decisions.length > 0) {
    lines.push('', 'Decided (with the reason), where the choice was between upstream and something else:', '');
    for (const decision of manifest.decisions) lines.push(`- ${decision.subject}: ${decision.decision} ${decision.reason}`);
  }
  return lines.join('\n');
}

/** Consecutive departures of one component that share their reason. */
function byReason(provenance: ComponentProvenance): Array<{ reason: string; departures: Departure[] }> {
  const groups: Array<{ reason: string; departures: Departure[] }> = [];
  for (const departure of provenance.departures) {
    const last = groups.at(-1);
    if (last?.reason === departure.reason) last.departures.push(departure);
    else groups.push({ reason: departure.reason, departures: [departure] });
  }
  return groups;
}

function describe(departure: Departure): string {
  if (!('ours' in departure)) return `\`${departure.at}\` left out`;
  if (!('upstream' in departure)) return `\`${departure.at}\` added (${inline(departure.ours)})`;
  return `\`${departure.at}\` is ${inline(departure.ours)} (upstream: ${inline(departure.upstream)})`;
}

function inline(value: unknown): string {
  return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
}
