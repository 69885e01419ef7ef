import type { BundledApi } from './bundle.js';
import { extensibleEnumValues } from './openapi-model.js';

/**
 * Known-value constants for every 3GPP extensible enumeration, and a type per enumeration
 * that keeps completion for the known values while accepting any later one
 * (`KnownEventType | (string & {})`).
 */
export function emitEnums(apis: BundledApi[]): string {
  const seen = new Map<string, { values: string[]; from: string }>();
  const blocks: string[] = [];
  for (const api of apis) {
    for (const [name, schema] of Object.entries(api.document.schemas)) {
      const values = extensibleEnumValues(schema);
      if (!values) continue;
      const earlier = seen.get(name);
      if (earlier) {
        if (earlier.values.join() !== values.join()) {
          throw new Error(`enumeration ${name} differs between ${earlier.from} and ${api.source.spec}`);
        }
        continue;
      }
      seen.set(name, { values, from: api.source.spec });
      const summary = firstLine(typeof schema.description === 'string' ? schema.description : '');
      blocks.push(
        [
          summary ? `/** Known values of ${name}: ${summary} */` : `/** Known values of ${name}. */`,
          `export const ${name} = {`,
          ...values.map((v) => `  ${v}: ${JSON.stringify(v)},`),
          `} as const;`,
          `/** A value of ${name} defined by this version of the API. */`,
          `export type Known${name} = (typeof ${name})[keyof typeof ${name}];`,
          `/** ${name}: a known value, or one that a later version of the API adds. */`,
          `export type ${name} = Known${name} | (string & {});`,
          `/** Tells whether \`value\` is one of the known values of ${name}. */`,
          `export function isKnown${name}(value: string): value is Known${name} {`,
          `  return (Object.values(${name}) as string[]).includes(value);`,
          `}`,
        ].join('\n'),
      );
    }
  }
  return blocks.join('\n\n') + '\n';
}

function firstLine(text: string): string {
  const line = (text.split('\n').find((l) => l.trim() !== '') ?? '').trim();
  // "Possible values are:" opens the value list of most 3GPP enumerations: no summary in it.
  return /^possible values/i.test(line) ? '' : line.replace(/\*\//g, '*\\/');
}
