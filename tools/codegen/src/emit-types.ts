import openapiTS, { astToString, tsIntersection, tsLiteral, tsUnion, type OpenAPI3, type SchemaObject } from 'openapi-typescript';
import ts from 'typescript';
import { extensibleEnumValues, type JsonObject } from './openapi-model.js';

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

function isDeclarationOf(node: ts.Node, name: string): boolean {
  return (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) && node.name.text === name;
}
