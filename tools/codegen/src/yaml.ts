import type * as Yaml from 'yaml';
import { requireCommonJs } from './commonjs.js';

/**
 * The `yaml` package's functions the generator uses, required like its other packages
 * (commonjs.ts): resolved from src/ wherever the built generator runs (bin/build.js).
 */
export const { isMap, isScalar, isSeq, LineCounter, parse, parseDocument, stringify } = requireCommonJs('yaml') as typeof Yaml;
export type { Document } from 'yaml';
/** A `LineCounter` instance (the class is the value of the same name). */
export type LineCounter = Yaml.LineCounter;
