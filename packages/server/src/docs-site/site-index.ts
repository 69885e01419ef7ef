import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SiteLink, SiteMap } from './site-map.js';

/**
 * `/`: what this server serves. A browser (Accept naming text/html) gets a small HTML page; any
 * other client gets the same as JSON, so that `curl` shows it too. Public, like the docs.
 */
export function registerSiteIndex(app: FastifyInstance, site: SiteMap): void {
  const html = indexPage(site);
  app.get('/', async (request, reply) => {
    void reply.header('vary', 'accept');
    return wantsHtml(request) ? reply.type('text/html; charset=utf-8').send(html) : reply.type('application/json').send(site);
  });
}

function wantsHtml(request: FastifyRequest): boolean {
  return /\btext\/html\b/.test(request.headers.accept ?? '');
}

/** The index as one self-contained HTML page (no script, no external asset). */
export function indexPage(site: SiteMap): string {
  const list = (links: SiteLink[]) => `<ul>${links.map((link) => `<li>${anchor(link)}</li>`).join('')}</ul>`;
  const specItems = site.specs.map(
    (spec) => `<li>${escape(spec.title)}: <a href="${escape(spec.path)}">YAML</a> · <a href="${escape(spec.json)}">JSON</a></li>`,
  );
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(site.name)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}code{background:#f3f3f3;padding:0 .2em}</style>
</head>
<body>
<h1>${escape(site.name)}</h1>
<p>{apiRoot}: <code>${escape(site.apiRoot)}</code></p>
${site.docs ? `<h2>Docs</h2><p>${anchor(site.docs)}: both APIs, the simulator, and every notification your AS receives.</p>` : '<p>The interactive reference is off (<code>MMTEL_DOCS=false</code>).</p>'}
<h2>APIs</h2>${list(site.apis)}
<h2>Specs</h2><ul>${specItems.join('')}</ul>
<h2>Operations</h2>${list(site.operations)}
</body>
</html>
`;
}

function anchor(link: SiteLink): string {
  return `<a href="${escape(link.path)}">${escape(link.title)}</a> <code>${escape(link.path)}</code>`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
