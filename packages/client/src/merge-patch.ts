/**
 * openapi-fetch sends every body as application/json; the one PATCH of the API takes only a JSON
 * Merge Patch, so a PATCH whose content type was left at the default says so instead (a caller
 * that set another content type keeps it).
 *
 * @see IETF RFC 7396
 */
export function markMergePatch(method: string, headers: Headers): void {
  if (method === 'PATCH' && headers.get('content-type') === 'application/json') headers.set('content-type', 'application/merge-patch+json');
}
