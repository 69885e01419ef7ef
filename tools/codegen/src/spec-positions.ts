import { readFileSync } from 'node:fs';
import { type Document, isMap, isScalar, isSeq, LineCounter, parseDocument } from './yaml.js';

/** Where the spec checks point: positions of YAML nodes in the hand-authored spec files. */

interface LoadedYaml {
  doc: Document;
  lines: LineCounter;
  value: unknown;
}

/** Each spec file parsed once per check run (undefined when it is not valid YAML). */
export class YamlCache {
  private readonly files = new Map<string, LoadedYaml | undefined>();

  get(file: string): LoadedYaml | undefined {
    if (this.files.has(file)) return this.files.get(file);
    let loaded: LoadedYaml | undefined;
    try {
      const lines = new LineCounter();
      const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines, uniqueKeys: false });
      loaded = { doc, lines, value: doc.toJS({ maxAliasCount: -1 }) as unknown };
    } catch {
      loaded = undefined;
    }
    this.files.set(file, loaded);
    return loaded;
  }
}

/** Line and column of the key (or item) at `path` in a file, or of its deepest existing ancestor. */
export function positionOf(cache: YamlCache, file: string, path: string[]): { line: number; column: number } {
  const loaded = cache.get(file);
  if (!loaded) return { line: 1, column: 1 };
  let node: unknown = loaded.doc.contents;
  let offset = 0;
  for (const segment of path) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === segment);
      if (pair) {
        const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
        if (keyRange) offset = keyRange[0];
        next = pair.value;
      }
    } else if (isSeq(node) && /^\d+$/.test(segment)) {
      next = node.items[Number(segment)];
      const range = (next as { range?: [number, number, number] } | undefined)?.range;
      if (range) offset = range[0];
    }
    if (next === undefined) break;
    node = next;
  }
  const pos = loaded.lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}
