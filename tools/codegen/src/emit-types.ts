import type * as OpenapiTypescript from 'openapi-typescript';
import type { OpenAPI3, SchemaObject } from 'openapi-typescript';
import type * as TS from 'typescript';
import { requireCommonJs } from './commonjs.js';
import { extensibleEnumValues, type JsonObject } from './openapi-model.js';

// openapi-typescript's CommonJS build, so that it loads TypeScript as CommonJS too (commonjs.ts).
const {
  default: openapiTS,
  astToString,
  tsIntersection,
  tsLiteral,
  tsUnion,
} = requireCommonJs('openapi-typescript') as typeof OpenapiTypescript;
const ts = requireCommonJs('typescript') as typeof TS;

/**
 * Types for one (bundled) document with openapi-typescript.
 *
 * A 3GPP extensible enumeration (`anyOf: [enum, string]`) would collapse to `string` and lose
 * editor completion; it is emitted as `'A' | 'B' | (string & {})` instead.
 */
export async function emitTypes(doc: JsonObject, options: { componentsFrom?: string } = {}): Promise<string> {
  const nodes = await openapiTS(structuredClone(doc) as unknown as OpenAPI3, {
    silent: true,
    transform(schema: SchemaObject) {
      const values = extensibleEnumValues(schema as unknown as JsonObject);
      if (!values) return undefined;
      return tsUnion([
        ...values.map((v) => tsLiteral(v)),
        tsIntersection([ts.factory.createKeywordTypeNode(ts.SyntaxKind.StringKeyword), ts.factory.createTypeLiteralNode([])]),
      ]);
    },
  });
  if (options.componentsFrom === undefined) return astToString(nodes);
  // The receiver-side document shares the API's components: import them rather than emit a copy.
  const own = nodes.filter((node) => !(isDeclarationOf(node, 'components') || isDeclarationOf(node, '$defs')));
  return `import type { components } from '${options.componentsFrom}';\n\n${astToString(own)}`;
}

function isDeclarationOf(node: TS.Node, name: string): boolean {
  return (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) && node.name.text === name;
}
