import type { ValueOf } from './variable.js';
import { variables, type VariableName } from './variables.js';

/** The value of every variable, given or defaulted (optional ones may be undefined). */
export type ConfigValues = { -readonly [K in VariableName]: ValueOf<(typeof variables)[K]> };

/**
 * Completes the given values with the defaults: constants first, then the derived ones in the
 * order of declaration (the profile before the defaults that depend on it).
 */
export function withDefaults(given: Readonly<Partial<Record<VariableName, unknown>>>): ConfigValues {
  const values: Record<string, unknown> = {};
  const names = Object.keys(variables) as VariableName[];
  for (const name of names) {
    const declared = variables[name].default;
    values[name] = given[name] ?? (declared !== undefined && 'value' in declared ? declared.value : undefined);
  }
  for (const name of names) {
    const declared = variables[name].default;
    if (given[name] === undefined && declared !== undefined && 'derive' in declared) values[name] = declared.derive(values);
  }
  return values as ConfigValues;
}

/** Every variable at its default, as with an empty environment. */
export const DEFAULT_VALUES: Readonly<ConfigValues> = Object.freeze(withDefaults({}));
