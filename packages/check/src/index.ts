// Re-exports only: the public API of @mmtel/check, the MMTel conformance kit.
export { CHECKS, runCheck } from './run-check.js';
export { toJUnitXml } from './junit-xml.js';
export { CLAUSES } from './clauses.js';
export {
  TargetUnreachableError,
  type CheckMode,
  type CheckOptions,
  type CheckOutcome,
  type CheckReport,
  type CheckResult,
} from './check-types.js';
