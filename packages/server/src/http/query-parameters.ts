import { problem, type ProblemDetails } from './problem.js';

/**
 * The 400 ProblemDetails for query parameters an operation does not define, or undefined when
 * there are none: Ajv keeps parameters the schema does not name, and an operation that ignored
 * them would answer a misspelt filter as if there were none.
 */
export function unknownQueryParameters(
  query: object | undefined,
  known: readonly string[],
): (ProblemDetails & { status: number }) | undefined {
  const unknown = Object.keys(query ?? {}).filter((name) => !known.includes(name));
  if (unknown.length === 0) return undefined;
  const takes = known.length === 0 ? 'takes no query parameter' : `takes only ${known.join(', ')}`;
  return problem(
    'INVALID_QUERY_PARAM',
    `Unknown query parameter${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: this operation ${takes}.`,
    unknown.map((name) => ({ param: name, reason: `not a query parameter of this operation (${takes})` })),
  );
}
