import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BundledApi, bundleApis } from './bundle.js';
import { callbacksDocument, callbacksYaml, emitCallbackTable } from './emit-callbacks.js';
import { emitClientEntryPoints } from './emit-client.js';
import { emitEnums } from './emit-enums.js';
import { emitHandlers, emitOperationTable, handlerScaffold } from './emit-handlers.js';
import { emitParsedSpecs } from './emit-parsed-specs.js';
import { emitTypes } from './emit-types.js';
import { generatedHeader } from './header.js';
import type { GeneratorConfig } from './layout.js';

/** The outcome of one generator run, before anything is written. */
export interface GeneratorOutput {
  /** Generated files (repo-relative path → content); the drift check compares exactly these. */
  files: Map<string, string>;
  /** Hand-written handler modules to create because none exists; never overwritten. */
  scaffolds: Map<string, string>;
}

/**
 * Runs the whole pipeline in memory: bundle, types, callback table, handler contract,
 * client entry points and enum constants. Deterministic: same specs, same bytes.
 */
export async function generate(config: GeneratorConfig): Promise<GeneratorOutput> {
  const { root, out } = config;
  const bundled = await bundleApis(root, config.apis);
  const files = new Map<string, string>();
  const allSpecs = config.apis.map((a) => a.spec);
  const ts = (path: string, sources: string[], body: string) => files.set(path, generatedHeader(sources) + '\n' + body);

  for (const api of bundled) {
    const sources = [api.source.spec];
    const name = api.source.spec
      .split('/')
      .pop()!
      .replace(/\.ya?ml$/, '');
    files.set(`${out.bundled}/${name}.bundled.yaml`, generatedHeader(sources, '#') + api.yaml);
    ts(`${out.types}/${api.source.key}.gen.ts`, sources, await emitTypes(api.document.doc));
    const cbDoc = callbacksDocument(api);
    if (cbDoc) {
      files.set(`${out.bundled}/${name}.callbacks.bundled.yaml`, generatedHeader(sources, '#') + callbacksYaml(cbDoc));
      ts(
        `${out.types}/${api.source.key}-callbacks.gen.ts`,
        sources,
        await emitTypes(cbDoc, { componentsFrom: `./${api.source.key}.gen.js` }),
      );
    }
  }
  const withCallbacks = bundled.filter((a) => callbacksDocument(a) !== null);
  ts(
    `${out.types}/callbacks.gen.ts`,
    withCallbacks.map((a) => a.source.spec),
    emitCallbackTable(bundled),
  );
  ts(`${out.types}/enums.gen.ts`, allSpecs, emitEnums(bundled));
  if (out.serverGenerated) {
    ts(`${out.serverGenerated}/handlers.gen.ts`, allSpecs, emitHandlers(bundled, out.typesModule));
    ts(`${out.serverGenerated}/operations.gen.ts`, allSpecs, emitOperationTable(bundled));
  }
  if (out.parsedSpecs) ts(out.parsedSpecs, allSpecs, emitParsedSpecs(bundled));
  if (out.clientGenerated) {
    const published = bundled.filter((a) => a.source.key !== 'simulator');
    ts(
      `${out.clientGenerated}/clients.gen.ts`,
      published.map((a) => a.source.spec),
      emitClientEntryPoints(published, out.typesModule),
    );
  }
  return { files, scaffolds: out.handlers ? scaffolds(root, out.handlers, bundled) : new Map<string, string>() };
}

function scaffolds(root: string, handlersDir: string, apis: BundledApi[]): Map<string, string> {
  const result = new Map<string, string>();
  for (const api of apis) {
    for (const op of api.document.operations()) {
      const path = `${handlersDir}/${op.operationId}.ts`;
      if (!existsSync(join(root, path))) result.set(path, handlerScaffold(op, `${op.method} ${api.document.basePath}${op.path}`));
    }
  }
  return result;
}

/** The generated files whose content on disk differs from `output` (missing files included). */
export async function findDrift(root: string, output: GeneratorOutput): Promise<string[]> {
  const drifted: string[] = [];
  for (const [path, content] of output.files) {
    const onDisk = await readFile(join(root, path), 'utf8').catch(() => null);
    if (onDisk !== content) drifted.push(path);
  }
  return drifted;
}
