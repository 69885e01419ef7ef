import type { HeadersOptions } from 'openapi-fetch';

/**
 * The headers of a request from several sources, later ones winning: what openapi-fetch's
 * `mergeHeaders` does (null removes a header, an array appends each value), written here because
 * the CommonJS build may import only openapi-fetch's default export (tsup.config.ts).
 */
export function mergeHeaders(...sources: (HeadersOptions | undefined)[]): Headers {
  const merged = new Headers();
  for (const source of sources) {
    if (source === undefined || source === null || typeof source !== 'object') continue;
    const entries: [string, unknown][] = [];
    if (source instanceof Headers) source.forEach((value, name) => entries.push([name, value]));
    else entries.push(...Object.entries(source));
    for (const [name, value] of entries) {
      if (value === null) merged.delete(name);
      else if (Array.isArray(value)) for (const each of value as unknown[]) merged.append(name, asText(each));
      else if (value !== undefined) merged.set(name, asText(value));
    }
  }
  return merged;
}

/** A header value as Headers itself converts one (WebIDL ByteString: `String(value)`). */
function asText(value: unknown): string {
  return String(value);
}
