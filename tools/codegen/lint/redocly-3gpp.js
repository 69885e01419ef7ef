// Redocly plugin `3gpp`: the 3GPP naming and hygiene rules of the 3GPP forge "API Parser/Linter"
// (jdegre parser.js; see /work/shared/reference/3gpp-reference.md section 3) that no built-in
// redocly rule expresses. Rules that redocly already has are configured in /redocly.yaml instead:
//   non-unique operationId -> operation-operationId-unique, sibling keys next to $ref ->
//   spec-ref-siblings, required property not in properties -> no-required-schema-properties-undefined,
//   missing servers -> no-empty-servers, unknown security scheme -> security-defined,
//   broken $ref -> no-unresolved-refs.
//
// Walker-based rules see every node that the linted API root reaches, in any file (a $ref'd node is
// visited at its own file and pointer). Two checks need the whole spec set and the raw text, which
// the walker does not give: `no-unused-components` (a component in TS29122_CommonData.yaml is used
// when ANY API root reaches it) and `no-tab-or-nbsp` (characters in the YAML source). They read the
// files themselves, following $refs statically from the linted document and from the `roots`
// option (paths relative to the working directory), and report into the other files.
//
// ESM, no dependency besides `yaml` (resolved from tools/codegen/node_modules).

import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';

const UPPER_CAMEL = /^[A-Z][A-Za-z0-9]*$/;
const LOWER_CAMEL = /^[a-z][A-Za-z0-9]*$/;
const UPPER_SNAKE = /^[A-Z0-9]+(?:_[A-Z0-9]+)*$/;
const KEBAB_SEGMENT = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const PATH_VARIABLE = /^\{([^{}]+)\}$/;
const COMPONENT_POINTER = /^\/components\/([^/]+)\/([^/]+)/;
const COMPONENT_TYPES = [
  'schemas',
  'responses',
  'parameters',
  'examples',
  'requestBodies',
  'headers',
  'securitySchemes',
  'links',
  'callbacks',
];
const FORBIDDEN_CHARACTERS = [
  { re: /\t/g, name: 'TAB (U+0009)' },
  { re: /\u00A0/g, name: 'NO-BREAK SPACE (U+00A0)' },
];

// ---------------------------------------------------------------------------------------------
// Walker-based rules
// ---------------------------------------------------------------------------------------------

/** components.schemas keys are UpperCamel, in every file the API reaches. */
function SchemaNameUpperCamel() {
  const seen = new Set();
  const check = (name, location, report) => {
    const id = `${location.source.absoluteRef}#${location.pointer}`;
    if (seen.has(id) || UPPER_CAMEL.test(name)) return;
    seen.add(id);
    report({ message: `Data type name "${name}" is not UpperCamel.`, location: location.key() });
  };
  return {
    // Keys of the linted document's own components.schemas (also catches pure $ref aliases).
    NamedSchemas: {
      enter(schemas, { location, report }) {
        for (const name of Object.keys(schemas ?? {})) check(name, location.child([name]), report);
      },
    },
    // Named schemas in other files, reached through a $ref.
    Schema: {
      enter(_schema, { location, report }) {
        const name = namedSchema(location.pointer);
        if (name !== undefined) check(name, location, report);
      },
    },
  };
}

/** Every named data type (components.schemas entry) has a non-empty description. */
function SchemaDescription() {
  const seen = new Set();
  return {
    Schema: {
      enter(schema, { location, report }) {
        const name = namedSchema(location.pointer);
        if (name === undefined) return;
        const id = `${location.source.absoluteRef}#${location.pointer}`;
        if (seen.has(id)) return;
        seen.add(id);
        if (typeof schema?.description !== 'string' || schema.description.trim() === '') {
          report({
            message: `Data type "${name}" has no description.`,
            location: location.key(),
          });
        }
      },
    },
  };
}

/** Object property names are lowerCamel. */
function PropertyLowerCamel() {
  return {
    SchemaProperties: {
      enter(properties, { location, report }) {
        for (const name of Object.keys(properties ?? {})) {
          if (!LOWER_CAMEL.test(name)) {
            report({
              message: `Property name "${name}" is not lowerCamel.`,
              location: location.child([name]).key(),
            });
          }
        }
      },
    },
  };
}

/** String enumeration values are UPPER_SNAKE (UPPER_WITH_UNDERSCORE). */
function EnumUpperSnake() {
  return {
    Schema: {
      enter(schema, { location, report }) {
        if (!Array.isArray(schema?.enum)) return;
        if (schema.type !== undefined && schema.type !== 'string') return;
        schema.enum.forEach((value, i) => {
          if (typeof value === 'string' && !UPPER_SNAKE.test(value)) {
            report({
              message: `Enumeration value "${value}" is not UPPER_SNAKE (UPPER_WITH_UNDERSCORE).`,
              location: location.child(['enum', i]),
            });
          }
        });
      },
    },
  };
}

/**
 * Static path segments are lower-with-hyphen. Replaces the built-in paths-kebab-case, which also
 * reports callback keys such as '{$request.body#/notifUri}' (3GPP callbacks always have one).
 */
function PathSegmentKebabCase() {
  return {
    Paths: {
      PathItem: {
        enter(_pathItem, { key, report }) {
          for (const segment of String(key).split('/').slice(1)) {
            if (PATH_VARIABLE.test(segment)) continue;
            if (!KEBAB_SEGMENT.test(segment)) {
              report({
                message: `Path segment "${segment}" of "${key}" is not lower-with-hyphen (kebab-case).`,
                location: { reportOnKey: true },
              });
            }
          }
        },
      },
    },
  };
}

/** Path variables (`{scsAsId}`) are lowerCamel. Callback keys are not paths and are skipped. */
function PathVariableLowerCamel() {
  return {
    Paths: {
      PathItem: {
        enter(_pathItem, { key, report }) {
          for (const segment of String(key).split('/')) {
            const m = PATH_VARIABLE.exec(segment);
            if (m && !LOWER_CAMEL.test(m[1])) {
              report({
                message: `Path variable "{${m[1]}}" in "${key}" is not lowerCamel.`,
                location: { reportOnKey: true },
              });
            }
          }
        },
      },
    },
  };
}

/** Query parameter names are lower-with-hyphen (e.g. `supp-feat`, `supported-features`). */
function QueryParameterKebabCase() {
  return {
    Parameter: {
      enter(parameter, { location, report }) {
        if (parameter?.in !== 'query' || typeof parameter.name !== 'string') return;
        if (!KEBAB_SEGMENT.test(parameter.name)) {
          report({
            message: `Query parameter "${parameter.name}" is not lower-with-hyphen (kebab-case).`,
            location: location.child(['name']),
          });
        }
      },
    },
  };
}

/**
 * Operations under `paths` have a summary. Replaces the built-in operation-summary, which also
 * requires one on callback operations: 3GPP callback operations never carry a summary.
 */
function OperationSummary() {
  return {
    Paths: {
      PathItem: {
        Operation: {
          enter(operation, { location, report }) {
            if (typeof operation?.summary !== 'string' || operation.summary.trim() === '') {
              report({
                message: 'Operation has no `summary`.',
                location: location.key(),
              });
            }
          },
        },
      },
    },
  };
}

/**
 * Every operation has a 4XX response, except a 3GPP pseudo operation: one whose only response is
 * `default` (it exists only to carry callbacks and is never invoked, e.g. the Subscribe pseudo
 * operation of TS29175_Nimsas_SessionEventControl.yaml). Replaces the built-in
 * operation-4xx-response, which reports those.
 */
function Operation4xxResponse() {
  return {
    Operation: {
      enter(operation, { location, report }) {
        const codes = Object.keys(operation?.responses ?? {});
        if (codes.length === 1 && codes[0] === 'default') return;
        if (!codes.some((code) => /^4(?:XX|[0-9]{2})$/i.test(code))) {
          report({
            message: 'Operation must have at least one 4XX response.',
            location: location.child(['responses']).key(),
          });
        }
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Spec-set rules (read the files; report into any file of the set)
// ---------------------------------------------------------------------------------------------

/**
 * Every component (schemas, responses, parameters, ... in any file) is reached from an API root.
 * Reachability starts at everything outside `components` in each root (paths, callbacks, security
 * requirements by scheme name) and follows $refs (and discriminator mappings) across files. The
 * roots are the linted document, the `roots` option, and the OpenAPI files named on the
 * `redocly lint` command line (the APIs linted together form one spec set). Replaces the built-in
 * no-unused-components, which looks only at the linted document's own components and counts a
 * reference from another unused component as a use.
 */
function NoUnusedComponents(options = {}) {
  return {
    Root: {
      leave(_root, ctx) {
        const self = sourcePath(ctx.location.source);
        if (self === undefined) return;
        const roots = [self, ...rootsFromOptions(options), ...rootsFromCommandLine()];
        const used = reachableComponents(roots);
        for (const file of closure([self])) {
          const doc = loadFile(file);
          if (doc?.value === undefined) continue;
          const components = doc.value.components;
          if (!isObject(components)) continue;
          for (const type of COMPONENT_TYPES) {
            const entries = components[type];
            if (!isObject(entries)) continue;
            for (const name of Object.keys(entries)) {
              if (used.has(componentId(file, type, name))) continue;
              ctx.report({
                message: `Component "${type}/${name}" is never referenced from any API root.`,
                location: foreignLocation(ctx, file, doc.text, `#/components/${type}/${escapePointer(name)}`, true),
              });
            }
          }
        }
      },
    },
  };
}

/** No TAB or NO-BREAK SPACE characters anywhere in the YAML source of any file the API reaches. */
function NoTabOrNbsp() {
  return {
    Root: {
      leave(_root, ctx) {
        const self = sourcePath(ctx.location.source);
        if (self === undefined) return;
        for (const file of closure([self])) {
          const doc = loadFile(file);
          if (!doc) continue;
          const lineStarts = lineStartOffsets(doc.text);
          const reportedLines = new Set();
          for (const { re, name } of FORBIDDEN_CHARACTERS) {
            for (const m of doc.text.matchAll(re)) {
              const { line, column } = lineColumn(lineStarts, m.index);
              const lineKey = `${line}:${name}`;
              if (reportedLines.has(lineKey)) continue;
              reportedLines.add(lineKey);
              ctx.report({
                message: `${name} character at line ${line}, column ${column}.`,
                location: foreignLocation(ctx, file, doc.text, doc.yaml ? pointerAtOffset(doc.yaml, m.index) : '#/', false),
              });
            }
          }
        }
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function namedSchema(pointer) {
  const m = /^#\/components\/schemas\/([^/]+)$/.exec(pointer ?? '');
  return m ? unescapePointer(m[1]) : undefined;
}

function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function unescapePointer(segment) {
  const s = segment.replaceAll('~1', '/').replaceAll('~0', '~');
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function escapePointer(segment) {
  return String(segment).replaceAll('~', '~0').replaceAll('/', '~1');
}

function sourcePath(source) {
  const ref = source?.absoluteRef;
  if (typeof ref !== 'string' || /^https?:/i.test(ref)) return undefined;
  return ref.startsWith('file:') ? fileURLToPath(ref) : resolvePath(ref);
}

function rootsFromOptions(options) {
  const list = Array.isArray(options.roots) ? options.roots : [];
  const out = [];
  for (const r of list) {
    if (typeof r !== 'string') continue;
    const abs = resolvePath(process.cwd(), r);
    if (loadFile(abs)?.value !== undefined) out.push(abs);
  }
  return out;
}

/** The OpenAPI documents named on a `redocly lint` command line (other arguments are skipped). */
function rootsFromCommandLine() {
  const args = process.argv.slice(2);
  const lint = args.indexOf('lint');
  if (lint === -1) return [];
  const out = [];
  for (const arg of args.slice(lint + 1)) {
    if (arg.startsWith('-') || !/\.(ya?ml|json)$/i.test(arg)) continue;
    const abs = resolvePath(process.cwd(), arg);
    const doc = loadFile(abs);
    if (doc && isObject(doc.value) && typeof doc.value.openapi === 'string') out.push(abs);
  }
  return out;
}

/** Parse cache keyed by path; re-read when the file changes (editor integrations lint repeatedly). */
const fileCache = new Map();

function loadFile(file) {
  let mtime;
  try {
    mtime = statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
  const cached = fileCache.get(file);
  if (cached && cached.mtime === mtime) return cached.doc;
  // `value` is undefined when the YAML does not parse (redocly reports that itself); the text is
  // still scanned for TAB / NO-BREAK SPACE.
  let doc;
  try {
    const text = readFileSync(file, 'utf8');
    let yaml;
    let value;
    try {
      yaml = parseDocument(text, { uniqueKeys: false });
      if (yaml.errors.length === 0) value = yaml.toJS({ maxAliasCount: -1 });
      else yaml = undefined;
    } catch {
      yaml = undefined;
    }
    doc = { text, yaml, value };
  } catch {
    doc = undefined;
  }
  fileCache.set(file, { mtime, doc });
  return doc;
}

function componentId(file, type, name) {
  return `${file}#${type}/${name}`;
}

function getAtPointer(value, pointer) {
  if (pointer === '' || pointer === '/') return value;
  let node = value;
  for (const raw of pointer.replace(/^\//, '').split('/')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = node[unescapePointer(raw)];
  }
  return node;
}

/** Resolve a $ref string found in `file` to [absolute file, pointer ('' = whole document)]. */
function resolveRef(file, ref) {
  if (typeof ref !== 'string' || /^[a-z][a-z0-9+.-]*:/i.test(ref)) return undefined; // remote: skip
  const hash = ref.indexOf('#');
  const uri = hash === -1 ? ref : ref.slice(0, hash);
  const pointer = hash === -1 ? '' : ref.slice(hash + 1);
  const target = uri === '' ? file : resolvePath(dirname(file), decodeURI(uri));
  return [target, pointer];
}

/** Collect the $refs (and discriminator mapping targets) below `node`. */
function collectRefs(node, out, skipComponentsAtTop = false) {
  const stack = [[node, skipComponentsAtTop]];
  while (stack.length > 0) {
    const [n, skipComponents] = stack.pop();
    if (Array.isArray(n)) {
      for (const item of n) stack.push([item, false]);
      continue;
    }
    if (!isObject(n)) continue;
    if (typeof n.$ref === 'string') out.refs.push(n.$ref);
    if (isObject(n.discriminator) && isObject(n.discriminator.mapping)) {
      for (const target of Object.values(n.discriminator.mapping)) {
        if (typeof target !== 'string') continue;
        // A bare name ("Cat") means a schema of the same document.
        out.refs.push(/[#/.]/.test(target) ? target : `#/components/schemas/${escapePointer(target)}`);
      }
    }
    if (Array.isArray(n.security)) {
      for (const requirement of n.security) {
        if (isObject(requirement)) out.schemes.push(...Object.keys(requirement));
      }
    }
    for (const [k, v] of Object.entries(n)) {
      if (skipComponents && k === 'components') continue;
      if (k === '$ref') continue;
      stack.push([v, false]);
    }
  }
}

/**
 * Walk the spec set from `roots`. Returns the set of used component ids and the files reached.
 * A root contributes everything outside its `components`; a referenced node contributes its
 * subtree.
 */
function walkSpecSet(roots) {
  const used = new Set();
  const files = new Set();
  const visited = new Set();
  const work = [];
  for (const root of roots) {
    const doc = loadFile(root);
    if (doc?.value === undefined) continue;
    files.add(root);
    visited.add(`${root}#root`);
    work.push([root, doc.value, true]);
  }
  while (work.length > 0) {
    const [file, node, isRoot] = work.pop();
    const found = { refs: [], schemes: [] };
    collectRefs(node, found, isRoot);
    for (const scheme of found.schemes) used.add(componentId(file, 'securitySchemes', scheme));
    for (const ref of found.refs) {
      const resolved = resolveRef(file, ref);
      if (!resolved) continue;
      const [target, pointer] = resolved;
      const doc = loadFile(target);
      if (!doc) continue;
      files.add(target);
      if (doc.value === undefined) continue;
      const m = COMPONENT_POINTER.exec(pointer);
      if (m) used.add(componentId(target, m[1], unescapePointer(m[2])));
      const key = `${target}#${pointer}`;
      if (visited.has(key)) continue;
      visited.add(key);
      const value = getAtPointer(doc.value, pointer);
      if (value !== undefined) work.push([target, value, false]);
    }
  }
  return { used, files };
}

function reachableComponents(roots) {
  return walkSpecSet(roots).used;
}

function closure(roots) {
  return [...walkSpecSet(roots).files];
}

/** A report location in `file`, which may be another file than the linted document. */
function foreignLocation(ctx, file, text, pointer, reportOnKey) {
  const own = ctx.location.source;
  const source = sourcePath(own) === file ? own : new own.constructor(file, text, own.mimeType);
  return { source, pointer, reportOnKey };
}

function lineStartOffsets(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

function lineColumn(starts, offset) {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}

/** The JSON pointer of the innermost YAML node whose source range holds `offset`. */
function pointerAtOffset(doc, offset) {
  const segments = [];
  let node = doc.contents;
  const within = (n) => n && Array.isArray(n.range) && n.range[0] <= offset && offset < n.range[2];
  for (;;) {
    let next;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const keyEnd = pair.key?.range?.[2] ?? -1;
        if (within(pair.value) || (pair.key?.range && pair.key.range[0] <= offset && offset < keyEnd)) {
          segments.push(key);
          next = within(pair.value) ? pair.value : undefined;
          break;
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        if (next === undefined && within(item)) {
          segments.push(String(i));
          next = item;
        }
      });
    }
    if (next === undefined || isScalar(next)) break;
    node = next;
  }
  return segments.length === 0 ? '#/' : `#/${segments.map(escapePointer).join('/')}`;
}

export default function threeGppPlugin() {
  return {
    id: '3gpp',
    rules: {
      oas3: {
        'schema-name-upper-camel': SchemaNameUpperCamel,
        'schema-description': SchemaDescription,
        'property-lower-camel': PropertyLowerCamel,
        'enum-upper-snake': EnumUpperSnake,
        'path-segment-kebab-case': PathSegmentKebabCase,
        'path-variable-lower-camel': PathVariableLowerCamel,
        'query-parameter-kebab-case': QueryParameterKebabCase,
        'operation-summary': OperationSummary,
        'operation-4xx-response': Operation4xxResponse,
        'no-unused-components': NoUnusedComponents,
        'no-tab-or-nbsp': NoTabOrNbsp,
      },
    },
  };
}
