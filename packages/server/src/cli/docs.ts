/**
 * Writes the generated regions of the reference documentation (README.md, docs/): the
 * configuration tables from the configuration schema, the error causes from the cause catalogue.
 *
 *   pnpm docs:generate            rewrites the regions that differ
 *   pnpm docs:generate --check    exits 1 when one differs, writing nothing
 */
import { parseArgs } from 'node:util';
import { staleDocuments, writeReferenceDocs } from '../docs/reference-docs.js';

const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });

function print(stream: NodeJS.WriteStream, line: string): void {
  stream.write(`docs: ${line}\n`);
}

try {
  if (values.check) {
    const stale = staleDocuments();
    for (const document of stale)
      print(
        process.stderr,
        `${document.path}: the generated region(s) ${document.regions.join(', ')} differ from their sources. To fix: pnpm docs:generate`,
      );
    if (stale.length === 0) print(process.stdout, 'every generated region is up to date');
    process.exitCode = stale.length === 0 ? 0 : 1;
  } else {
    const written = writeReferenceDocs();
    for (const document of written) print(process.stdout, `wrote ${document.regions.join(', ')} in ${document.path}`);
    if (written.length === 0) print(process.stdout, 'every generated region is up to date');
  }
} catch (error) {
  print(process.stderr, error instanceof Error ? error.message : String(error));
  process.exitCode = 2;
}
