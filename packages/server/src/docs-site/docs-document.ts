/**
 * The document the docs page shows for a spec: the bundled spec with the default of its
 * `{apiRoot}` server variable set to this server's {apiRoot} (3GPP's default is an example
 * host), so that the page's client tries the operations against the server that serves it.
 * Every other part is the bundled spec's.
 */
export function withApiRoot(specJson: string, apiRoot: string): string {
  const document = JSON.parse(specJson) as { servers?: Array<{ variables?: Record<string, { default?: string }> }> };
  for (const server of document.servers ?? []) {
    const variable = server.variables?.['apiRoot'];
    if (variable) variable.default = apiRoot;
  }
  return JSON.stringify(document);
}
