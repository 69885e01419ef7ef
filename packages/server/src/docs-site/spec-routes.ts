import type { FastifyInstance } from 'fastify';
import { sendProblem } from '../http/error-handler.js';
import { problem } from '../http/problem.js';
import type { PublishedSpec, SpecFiles } from './published-specs.js';

/** Where the published specs are served: `/specs/<name>.yaml` (as generated) and `/specs/<name>.json`. */
export const SPECS_PREFIX = '/specs';

const MEDIA_TYPES = { yaml: 'application/yaml; charset=utf-8', json: 'application/json; charset=utf-8' } as const;

/** The two stable URLs of one published spec. */
export function specUrls(spec: PublishedSpec): { yaml: string; json: string } {
  return { yaml: `${SPECS_PREFIX}/${spec.name}.yaml`, json: `${SPECS_PREFIX}/${spec.name}.json` };
}

/**
 * Serves every published spec as a file at a stable URL, for code generators, Postman and the docs
 * page alike. Public: a spec tells nothing that is not in the repository.
 */
export function registerSpecRoutes(app: FastifyInstance, files: SpecFiles): void {
  app.get<{ Params: { file: string } }>(`${SPECS_PREFIX}/:file`, async (request, reply) => {
    const match = /^(?<name>.+)\.(?<format>yaml|json)$/.exec(request.params.file);
    const name = match?.groups?.['name'];
    const format = match?.groups?.['format'] as keyof typeof MEDIA_TYPES | undefined;
    const file = name !== undefined ? files.get(name) : undefined;
    if (file === undefined || format === undefined)
      return sendProblem(
        reply,
        problem('RESOURCE_URI_STRUCTURE_NOT_FOUND', `No spec at ${request.url}; the index at / lists the published specs.`),
      );
    return reply.type(MEDIA_TYPES[format]).send((await file)[format]);
  });
}
