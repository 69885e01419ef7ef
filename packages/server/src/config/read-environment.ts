import { invalidNetwork } from '../security/target-policy.js';
import { ConfigError } from './config-error.js';
import { closestName } from './did-you-mean.js';
import { schemaErrors, type FormatCheck, type SchemaError } from './schema-check.js';
import { withDefaults, type ConfigValues } from './values.js';
import { URL_FORMATS, type JsonSchema } from './variable.js';
import { foreignVariables, variables, type VariableName } from './variables.js';

/** The JSON Schema of the environment, as its values are once read from their text. */
export function environmentSchema(): { type: 'object'; properties: Record<VariableName, JsonSchema> } {
  const properties = Object.fromEntries(Object.entries(variables).map(([name, variable]) => [name, variable.schema])) as Record<
    VariableName,
    JsonSchema
  >;
  return { type: 'object', properties };
}

/** The formats the variables name: URLs of given protocols, and IP networks (CIDR) or addresses. */
export const ENVIRONMENT_FORMATS: Readonly<Record<string, FormatCheck>> = {
  ...Object.fromEntries(
    Object.entries(URL_FORMATS).map(([format, protocols]): [string, FormatCheck] => [
      format,
      (value) => URL.canParse(value) && (protocols as readonly string[]).includes(new URL(value).protocol),
    ]),
  ),
  'ip-network': (value) => invalidNetwork([value]) === undefined,
};

const PREFIX = 'MMTEL_';

/** Where the documentation lists the variables (the message of an unknown one points there; a test keeps it true). */
export const VARIABLES_LISTED_IN = { file: 'docs/configuration.md', section: 'Configuration (environment)' } as const;

/**
 * Reads the server's variables from `env` and checks them against the schema: a value is its
 * text trimmed, and empty text is no value. Refuses every bad value and every `MMTEL_*`
 * variable the server does not know (with the name it probably meant), all in one ConfigError.
 */
export function readEnvironment(env: Readonly<Record<string, string | undefined>>): ConfigValues {
  const texts: Partial<Record<VariableName, string>> = {};
  const given: Partial<Record<VariableName, unknown>> = {};
  for (const name of Object.keys(variables) as VariableName[]) {
    const text = env[name]?.trim();
    if (text === undefined || text === '') continue;
    texts[name] = text;
    given[name] = variables[name].read(text);
  }
  const errors = Object.entries(given).flatMap(([name, value]) =>
    schemaErrors(variables[name as VariableName].schema, value, ENVIRONMENT_FORMATS, `/${name}`),
  );
  const problems = valueProblems(errors, texts, given);
  problems.push(...unknownVariables(env));
  if (problems.length > 0) throw new ConfigError(problems);
  return withDefaults(given);
}

/** One problem per variable (its first error), in the order of declaration. */
function valueProblems(
  errors: readonly SchemaError[],
  texts: Partial<Record<VariableName, string>>,
  given: Partial<Record<VariableName, unknown>>,
): string[] {
  const byName = new Map<VariableName, string>();
  for (const error of errors) {
    const [name, entry] = error.instancePath
      .split('/')
      .slice(1)
      .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~')) as [VariableName, string | undefined];
    if (byName.has(name)) continue;
    const variable = variables[name];
    const value = entry === undefined ? undefined : (given[name] as Record<string, unknown>)[entry];
    if (entry === undefined || variable.expectedEntry === undefined) {
      byName.set(name, `${name}="${texts[name]}" is not valid: expected ${variable.expected}`);
    } else if (variable.schema.type === 'array') {
      byName.set(name, `${name}: "${String(value)}" is not valid: expected ${variable.expectedEntry}`);
    } else {
      byName.set(name, `${name}: "${String(value)}" (for ${entry}) is not valid: expected ${variable.expectedEntry}`);
    }
  }
  return (Object.keys(variables) as VariableName[]).filter((name) => byName.has(name)).map((name) => byName.get(name)!);
}

/** The `MMTEL_*` variables that are neither the server's nor another tool's: most likely a misspelt name. */
function unknownVariables(env: Readonly<Record<string, string | undefined>>): string[] {
  const known = Object.keys(variables);
  return Object.keys(env)
    .filter(
      (name) =>
        name.startsWith(PREFIX) &&
        (env[name] ?? '').trim() !== '' &&
        !Object.hasOwn(variables, name) &&
        !Object.hasOwn(foreignVariables, name),
    )
    .sort()
    .map((name) => {
      const meant = closestName(name, known);
      return meant !== undefined
        ? `${name} is not a variable of the server: did you mean ${meant}?`
        : `${name} is not a variable of the server (${VARIABLES_LISTED_IN.file}, "${VARIABLES_LISTED_IN.section}", lists them): correct its name or remove it`;
    });
}
