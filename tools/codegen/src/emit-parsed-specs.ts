import { parse } from './yaml.js';
import type { BundledApi } from './bundle.js';

/**
 * The server's bundled specs, parsed at generation time: a module that builds each document with
 * `JSON.parse` of a string literal, the fastest way V8 has to build a large object, instead of
 * parsing the YAML at every start (~170 ms for the three). Parsed from the bundle's YAML text, so
 * that the server sees exactly what `specs/bundled/*.bundled.yaml` says.
 */
export function emitParsedSpecs(apis: readonly BundledApi[]): string {
  const lines = [
    '/** The bundled spec of each API the server serves, keyed by API (what `specs/bundled/<spec>.bundled.yaml` holds). */',
    'export const bundledSpecs: Readonly<Record<string, Record<string, unknown>>> = {',
  ];
  for (const api of apis) {
    const json = JSON.stringify(parse(api.yaml));
    lines.push(`  ${JSON.stringify(api.source.key)}: JSON.parse(${JSON.stringify(json)}) as Record<string, unknown>,`);
  }
  lines.push('};', '');
  return lines.join('\n');
}
