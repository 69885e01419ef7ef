/*
 * RFC 6901 JSON Pointers into parsed YAML/JSON values: what a departure's `at` names.
 */

/** The reference tokens of a pointer (`/properties/a~1b` → `['properties', 'a/b']`). */
export function pointerTokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`"${pointer}" is not a JSON Pointer (it must start with /)`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** The pointer of `tokens`. */
export function pointerOf(tokens: readonly string[]): string {
  return tokens.map((token) => `/${token.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/** The value at `pointer` in `root`, or undefined when there is none. */
export function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const token of pointerTokens(pointer)) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, token)) return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}

/** Sets the value at `pointer` (creating objects on the way), or deletes it when `value` is undefined. */
export function setValueAt(root: Record<string, unknown>, pointer: string, value: unknown): void {
  const tokens = pointerTokens(pointer);
  const last = tokens.pop();
  if (last === undefined) throw new Error('cannot replace the root of a schema');
  let node: Record<string, unknown> = root;
  for (const token of tokens) {
    const next = node[token];
    if (next === null || typeof next !== 'object') {
      if (value === undefined) return;
      node[token] = {};
    }
    node = node[token] as Record<string, unknown>;
  }
  if (value === undefined) delete node[last];
  else node[last] = value;
}
