/**
 * The JSON text the server sends (API responses, notifications over HTTP and WebSocket): what
 * JSON.stringify writes, except that a number without a fraction whose magnitude is 1e21 or more
 * is written as an integer. JSON.stringify writes such a number in exponent form (`1e+21`), which
 * validators of `type: integer` that follow the draft-04 wording of OpenAPI 3.0 ("a JSON number
 * without a fraction or exponent part"), and typed clients (Jackson into a `long`, Python's `json`
 * into an `int`), read as a fractional number: a client that sent `"maxTime": 10**24` would get a
 * float back (Schemathesis finding S2, tools/schemathesis/findings.md).
 *
 * The digits are the double's exact value: above 2^53 a double cannot hold every integer, so the
 * value echoed is the nearest one (RFC 8259 clause 6 expects that precision).
 */
export function jsonText(value: unknown): string {
  const text = JSON.stringify(value);
  // Only a number of magnitude ≥ 1e21 is written with `e+`; elsewhere `e+` can only be inside a string.
  return text !== undefined && text.includes('e+') ? write(value)! : text;
}

function write(value: unknown): string | undefined {
  if (typeof value === 'number')
    return Number.isInteger(value) && Math.abs(value) >= 1e21 ? BigInt(value).toString() : JSON.stringify(value);
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const json = (value as { toJSON?: unknown }).toJSON;
  if (typeof json === 'function') return write(json.call(value));
  if (Array.isArray(value)) return `[${value.map((item) => write(item) ?? 'null').join(',')}]`;
  const members: string[] = [];
  for (const [name, member] of Object.entries(value)) {
    const text = write(member);
    if (text !== undefined) members.push(`${JSON.stringify(name)}:${text}`);
  }
  return `{${members.join(',')}}`;
}
