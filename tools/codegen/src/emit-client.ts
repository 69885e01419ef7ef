import type { BundledApi } from './bundle.js';

/**
 * Typed openapi-fetch entry points, one per API, bound to the API's generated `paths` and to its
 * base path under `{apiRoot}`.
 */
export function emitClientEntryPoints(apis: BundledApi[], typesModule: (apiKey: string) => string): string {
  const lines = [
    `import createClient, { type Client, type ClientOptions } from 'openapi-fetch';`,
    ...apis.map((a) => `import type { paths as ${a.source.pascal}Paths } from '${typesModule(a.source.key)}';`),
    '',
    `/** Joins an apiRoot (\`https://host[:port][/prefix]\`) and an API's base path. */`,
    `export function apiUrl(apiRoot: string, basePath: string): string {`,
    `  return apiRoot.replace(/\\/+$/, '') + basePath;`,
    `}`,
  ];
  for (const api of apis) {
    const { pascal } = api.source;
    const constName = `${pascal.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}_API`;
    lines.push(
      '',
      `/** ${api.document.title} ${api.document.version}: name, version and base path under {apiRoot}. */`,
      `export const ${constName} = {`,
      `  title: ${JSON.stringify(api.document.title)},`,
      `  version: ${JSON.stringify(api.document.version)},`,
      `  basePath: ${JSON.stringify(api.document.basePath)},`,
      `} as const;`,
      '',
      `export type { ${pascal}Paths };`,
      '',
      `/** An openapi-fetch client typed by the ${api.document.title} paths. */`,
      `export type ${pascal}FetchClient = Client<${pascal}Paths>;`,
      '',
      `/** Creates an openapi-fetch client for ${api.document.title}; \`apiRoot\` is the server's {apiRoot}. */`,
      `export function create${pascal}FetchClient(options: Omit<ClientOptions, 'baseUrl'> & { apiRoot: string }): ${pascal}FetchClient {`,
      `  const { apiRoot, ...rest } = options;`,
      `  return createClient<${pascal}Paths>({ ...rest, baseUrl: apiUrl(apiRoot, ${constName}.basePath) });`,
      `}`,
    );
  }
  return lines.join('\n') + '\n';
}
