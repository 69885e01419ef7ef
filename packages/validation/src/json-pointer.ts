/** Escapes one reference token of a JSON Pointer (RFC 6901 clause 3: `~` as `~0`, `/` as `~1`). */
export function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** The unescaped first reference token of a JSON Pointer: the top-level attribute it lies in (`""` for the whole document). */
export function topLevelName(pointer: string): string {
  return (pointer.split('/')[1] ?? '').replaceAll('~1', '/').replaceAll('~0', '~');
}
