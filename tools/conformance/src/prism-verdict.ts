import type { IncomingHttpHeaders } from 'node:http';

/** One thing Prism found wrong with an exchange, as Prism words it. */
export interface PrismFinding {
  /** Where: `['request', 'body', 'callingParty']`, `['response', 'header', 'location']`, or `[]` for Prism's own errors. */
  location: string[];
  /** Prism's severity: `Error`, `Warning`, `Information` or `Hint`. */
  severity: string;
  /** The failed keyword (`required`, `pattern`) or status code, when Prism gives one. */
  code?: string | number;
  message: string;
}

/** The problem types Prism answers with itself (prism-http mocker/router/forwarder errors). */
const PRISM_PROBLEM = /^https:\/\/stoplight\.io\/prism\/errors#/;
/** Prism also answers `{ type: error.name }` for an error it did not expect, e.g. `FetchError` when the upstream is down. */
const ERROR_NAME = /^[A-Za-z]*Error$/;
/** Problems that are about the request, whose findings Prism gives without the `request` prefix. */
const REQUEST_PROBLEMS = new Set(['UNPROCESSABLE_ENTITY', 'UNAUTHORIZED', 'INVALID_CONTENT_TYPE']);

/**
 * What Prism (`prism proxy --errors`) says about one exchange, read from its answer:
 * - a request that breaks the spec is not forwarded; Prism answers 422 `#UNPROCESSABLE_ENTITY`
 *   (401 `#UNAUTHORIZED` for security, 415 `#INVALID_CONTENT_TYPE`) with a `validation` list;
 * - an upstream response with an Error-severity violation becomes a 500 `#VIOLATIONS` problem
 *   with a `validation` list, the original response is dropped;
 * - any violation (warnings too, e.g. an undeclared status) is also listed in the `sl-violations`
 *   header, which Prism sets on the original response when nothing is an Error;
 * - a route or method the spec lacks, or an unreachable upstream, is an error problem of Prism's.
 * An empty list means Prism passed the exchange. Our own server's ProblemDetails carry no `type`,
 * so they are never taken for Prism's.
 */
export function prismVerdict(status: number, headers: IncomingHttpHeaders, body: Buffer): PrismFinding[] {
  const findings = headerFindings(headers['sl-violations']);
  const problem = prismProblem(headers['content-type'], body);
  if (problem === undefined) return findings;
  const name = problem.type.replace(PRISM_PROBLEM, '');
  const prefix = REQUEST_PROBLEMS.has(name) ? ['request'] : [];
  const listed = (problem.validation ?? []).map((finding) => ({ ...finding, location: [...prefix, ...(finding.location ?? [])] }));
  const described =
    listed.length > 0
      ? listed
      : [
          {
            location: prefix,
            severity: 'Error',
            code: status,
            message: `${problem.title ?? name}${problem.detail ? `: ${problem.detail}` : ''}`,
          },
        ];
  // The 500 #VIOLATIONS repeats the Error findings of the header: keep each finding once.
  const seen = new Set(findings.map((finding) => JSON.stringify(finding)));
  return [...findings, ...described.filter((finding) => !seen.has(JSON.stringify(finding)))];
}

function headerFindings(header: string | string[] | undefined): PrismFinding[] {
  if (header === undefined) return [];
  const value = Array.isArray(header) ? header.join(',') : header;
  try {
    return (JSON.parse(value) as PrismFinding[]).map(({ location, severity, code, message }) => ({
      location,
      severity,
      ...(code === undefined ? {} : { code }),
      message,
    }));
  } catch {
    // Prism truncates a long list to "Too many violations! <cut JSON>".
    return [{ location: [], severity: 'Error', message: value }];
  }
}

interface PrismProblem {
  type: string;
  title?: string;
  detail?: string;
  validation?: { location?: string[]; severity: string; code?: string | number; message: string }[];
}

function prismProblem(contentType: string | undefined, body: Buffer): PrismProblem | undefined {
  if (!contentType?.startsWith('application/problem+json')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  const type = (parsed as { type?: unknown }).type;
  if (typeof type !== 'string' || !(PRISM_PROBLEM.test(type) || ERROR_NAME.test(type))) return undefined;
  return parsed as PrismProblem;
}
