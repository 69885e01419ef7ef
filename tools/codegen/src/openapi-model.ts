/**
 * The few OpenAPI 3.0 shapes the emitters walk, read from a bundled (single-file) document
 * whose every `$ref` is local (`#/components/...`).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** A header a response declares. */
export interface HeaderInfo {
  name: string;
  required: boolean;
  /** TypeScript type of the header value. */
  tsType: 'string' | 'number' | 'boolean';
}

/** One response code of an operation. */
export interface ResponseInfo {
  status: number | 'default';
  description: string;
  /** The content type of the body, or null when the response has none. */
  contentType: string | null;
  headers: HeaderInfo[];
}

/** One operation, with its path relative to the API root. */
export interface OperationInfo {
  operationId: string;
  method: string;
  path: string;
  summary: string;
  pathParams: string[];
  queryParams: string[];
  requestContentTypes: string[];
  bodyRequired: boolean;
  responses: ResponseInfo[];
  callbacks: CallbackInfo[];
}

/** One `callbacks` entry: a notification the server sends. */
export interface CallbackInfo {
  name: string;
  expression: string;
  method: string;
  operation: JsonObject;
  operationId: string;
  requestContentType: string;
  requestSchema: Json;
  responses: ResponseInfo[];
}

/** An OpenAPI document with the helpers the emitters share. */
export class OpenApiDocument {
  constructor(readonly doc: JsonObject) {}

  /** Follows a local `$ref` (one level at a time, until a non-ref object). */
  deref(value: Json | undefined): JsonObject {
    let current = value;
    for (let hops = 0; isObject(current) && typeof current.$ref === 'string'; hops++) {
      if (hops > 32) throw new Error(`$ref cycle at ${current.$ref}`);
      current = this.lookup(current.$ref);
    }
    if (!isObject(current)) throw new Error('expected an object');
    return current;
  }

  lookup(ref: string): Json {
    if (!ref.startsWith('#/')) throw new Error(`non-local $ref ${ref} in a bundled spec`);
    let node: Json | undefined = this.doc;
    for (const raw of ref.slice(2).split('/')) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      node = isObject(node) ? node[key] : undefined;
      if (node === undefined) throw new Error(`unresolved $ref ${ref}`);
    }
    return node;
  }

  get title(): string {
    return requireString((this.doc.info as JsonObject).title, 'info.title must be a string');
  }

  get version(): string {
    return requireString((this.doc.info as JsonObject).version, 'info.version must be a string');
  }

  /** The path part of `servers[0].url` after `{apiRoot}`, e.g. `/mmtel-callcontrol/v1`. */
  get basePath(): string {
    const servers = this.doc.servers;
    const url = Array.isArray(servers) && isObject(servers[0]) && typeof servers[0].url === 'string' ? servers[0].url : '';
    const path = url.replace(/^\{apiRoot\}/, '');
    if (!path.startsWith('/')) throw new Error(`servers[0].url must be {apiRoot}/<apiName>/<apiVersion>, got "${url}"`);
    return path;
  }

  get schemas(): Record<string, JsonObject> {
    const components = this.doc.components;
    const schemas = isObject(components) ? components.schemas : undefined;
    return (isObject(schemas) ? schemas : {}) as Record<string, JsonObject>;
  }

  /** Every operation in document order. */
  operations(): OperationInfo[] {
    const result: OperationInfo[] = [];
    const paths = (this.doc.paths ?? {}) as JsonObject;
    for (const [path, rawItem] of Object.entries(paths)) {
      const item = this.deref(rawItem);
      const shared = Array.isArray(item.parameters) ? item.parameters : [];
      for (const method of HTTP_METHODS) {
        const op = item[method];
        if (!isObject(op)) continue;
        const params = [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])].map((p) => this.deref(p));
        result.push({
          operationId: requireString(op.operationId, `${method.toUpperCase()} ${path} has no operationId`),
          method: method.toUpperCase(),
          path,
          summary: typeof op.summary === 'string' ? op.summary : '',
          pathParams: params.filter((p) => p.in === 'path').map((p) => requireString(p.name, `a path parameter of ${path} has no name`)),
          queryParams: params.filter((p) => p.in === 'query').map((p) => requireString(p.name, `a query parameter of ${path} has no name`)),
          ...this.requestBody(op),
          responses: this.responses(op),
          callbacks: this.callbacks(op),
        });
      }
    }
    return result;
  }

  private requestBody(op: JsonObject): { requestContentTypes: string[]; bodyRequired: boolean } {
    if (op.requestBody === undefined) return { requestContentTypes: [], bodyRequired: false };
    const body = this.deref(op.requestBody);
    return { requestContentTypes: Object.keys((body.content ?? {}) as JsonObject), bodyRequired: body.required === true };
  }

  responses(op: JsonObject): ResponseInfo[] {
    const responses = (op.responses ?? {}) as JsonObject;
    return Object.entries(responses).map(([code, raw]) => {
      const response = this.deref(raw);
      const content = Object.keys((response.content ?? {}) as JsonObject);
      if (content.length > 1) throw new Error(`response ${code} declares several content types; the generator expects one`);
      const headers = Object.entries((response.headers ?? {}) as JsonObject).map(([name, h]) => {
        const header = this.deref(h);
        const schema = header.schema === undefined ? {} : this.deref(header.schema);
        const type = schema.type === 'integer' || schema.type === 'number' ? 'number' : schema.type === 'boolean' ? 'boolean' : 'string';
        return { name, required: header.required === true, tsType: type } satisfies HeaderInfo;
      });
      return {
        status: code === 'default' ? 'default' : Number(code),
        description: typeof response.description === 'string' ? response.description : '',
        contentType: content[0] ?? null,
        headers,
      };
    });
  }

  private callbacks(op: JsonObject): CallbackInfo[] {
    const result: CallbackInfo[] = [];
    for (const [name, rawCallback] of Object.entries((op.callbacks ?? {}) as JsonObject)) {
      const callback = this.deref(rawCallback);
      for (const [expression, rawItem] of Object.entries(callback)) {
        const item = this.deref(rawItem);
        for (const method of HTTP_METHODS) {
          const cbOp = item[method];
          if (!isObject(cbOp)) continue;
          const body = this.deref(cbOp.requestBody);
          const [contentType, media] = Object.entries((body.content ?? {}) as JsonObject)[0] ?? [];
          if (contentType === undefined || !isObject(media)) throw new Error(`callback ${name} has no request body`);
          result.push({
            name,
            expression,
            method: method.toUpperCase(),
            operation: cbOp,
            operationId: requireString(cbOp.operationId, `callback ${name} ${method.toUpperCase()} has no operationId`),
            requestContentType: contentType,
            requestSchema: media.schema ?? {},
            responses: this.responses(cbOp),
          });
        }
      }
    }
    return result;
  }

  /** Names of the component schemas reachable from `value`, transitively. */
  reachableSchemas(value: Json, seen = new Set<string>()): Set<string> {
    walkRefs(value, (ref) => {
      const match = /^#\/components\/schemas\/(.+)$/.exec(ref);
      if (!match || seen.has(match[1]!)) return;
      seen.add(match[1]!);
      this.reachableSchemas(this.lookup(ref), seen);
    });
    return seen;
  }
}

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireString(value: Json | undefined, message: string): string {
  if (typeof value !== 'string' || value === '') throw new Error(message);
  return value;
}

/** Calls `visit` for every `$ref` string under `value`. */
export function walkRefs(value: Json, visit: (ref: string) => void): void {
  if (Array.isArray(value)) {
    for (const v of value) walkRefs(v, visit);
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') visit(v);
      else walkRefs(v, visit);
    }
  }
}

/** A deep copy of `value` with every `$ref` rewritten by `rewrite`. */
export function mapRefs(value: Json, rewrite: (ref: string) => string): Json {
  if (Array.isArray(value)) return value.map((v) => mapRefs(v, rewrite));
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) out[k] = k === '$ref' && typeof v === 'string' ? rewrite(v) : mapRefs(v, rewrite);
  return out;
}

/** `imsSessionNotification` → `ims-session-notification`. */
export function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** The 3GPP extensible enumeration: `anyOf: [{type: string, enum: [...]}, {type: string}]`. */
export function extensibleEnumValues(schema: JsonObject): string[] | null {
  const anyOf = schema.anyOf;
  if (!Array.isArray(anyOf) || anyOf.length !== 2) return null;
  const [closed, open] = anyOf;
  if (!isObject(closed) || !isObject(open)) return null;
  if (closed.type !== 'string' || !Array.isArray(closed.enum)) return null;
  if (open.type !== 'string' || open.enum !== undefined) return null;
  return closed.enum.filter((v): v is string => typeof v === 'string');
}
