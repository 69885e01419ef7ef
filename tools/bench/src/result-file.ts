import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

/**
 * Every benchmark child takes `--out FILE` and writes its figures there as JSON, so that the
 * runner reads numbers, not printed text. Without `--out` (run by hand) the JSON goes to stdout.
 */
export async function writeResult(out: string | undefined, result: unknown): Promise<void> {
  const text = `${JSON.stringify(result, null, 2)}\n`;
  if (out === undefined) process.stdout.write(text);
  else await writeFile(out, text);
}

/** Parses the flags of a benchmark child: its own options plus `--out`. */
export function parseBenchArgs<const O extends Record<string, { type: 'string'; default?: string }>>(options: O) {
  const { values } = parseArgs({ options: { ...options, out: { type: 'string' } }, strict: true });
  return values as unknown as { [K in keyof O]: O[K] extends { default: string } ? string : string | undefined } & { out?: string };
}

/** A flag's value as a positive number, or a clear error naming the flag. */
export function positive(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${flag} ${value}: expected a positive number`);
  return n;
}
