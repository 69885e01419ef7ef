import { request } from 'undici';

/** A request exactly as it goes on the wire: what a finding's reproduction shows. */
export interface WireRequest {
  method: string;
  /** Path and query, already encoded. */
  path: string;
  /** The Content-Type header; absent when undefined. */
  contentType?: string | undefined;
  headers?: Record<string, string>;
  body?: string | Uint8Array | undefined;
}

/** An answer as received. */
export interface WireAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Milliseconds from sending to the end of the body. */
  ms: number;
}

/**
 * Sends `req` to `origin` with undici (which adds no Content-Type of its own, so a missing one
 * stays missing) and reads the whole answer. Fails after `timeoutMs` without an answer.
 */
export async function send(origin: string, req: WireRequest, timeoutMs = 15_000): Promise<WireAnswer> {
  const headers: Record<string, string> = { ...req.headers };
  if (req.contentType !== undefined) headers['content-type'] = req.contentType;
  const started = performance.now();
  const response = await request(origin + req.path, {
    method: req.method as 'POST',
    headers,
    ...(req.body !== undefined && { body: req.body }),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text, ms: performance.now() - started };
}

/** A shell command that sends the same request: the reproduction printed with a failure. */
export function curlOf(origin: string, req: WireRequest, maxBody = 4000): string {
  const parts = [`curl -i -X ${req.method} '${origin}${req.path}'`];
  if (req.contentType !== undefined) parts.push(`-H 'content-type: ${req.contentType}'`);
  for (const [name, value] of Object.entries(req.headers ?? {})) parts.push(`-H '${name}: ${value}'`);
  if (req.body !== undefined) {
    const bytes = typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : Buffer.from(req.body);
    const shown = bytes.length > maxBody ? `${shellBytes(bytes.subarray(0, maxBody))}…(${bytes.length} bytes in all)` : shellBytes(bytes);
    parts.push(`--data-binary "$(printf '%b' '${shown}')"`);
  }
  return parts.join(' ');
}

/** Bytes as a printf %b argument: printable ASCII as is, the rest as \xHH. */
function shellBytes(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes)
    out +=
      byte >= 0x20 && byte < 0x7f && byte !== 0x27 && byte !== 0x5c && byte !== 0x25
        ? String.fromCharCode(byte)
        : `\\x${byte.toString(16).padStart(2, '0')}`;
  return out;
}
