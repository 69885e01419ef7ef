export { findJavaToolchain, type JavaToolchain } from './java-toolchain.js';
export { ensurePostgresBin, findPostgresBin, POSTGRES_PACKAGE } from './postgres-binaries.js';
export { CHROMIUM_PACKAGE, ensureChromium, findChromium } from './chromium.js';
export { basePython, ensurePythonEnv, pythonVersion, type PythonEnv, type PythonEnvSpec } from './python-env.js';
export { cacheDir, repoRoot } from './repo-paths.js';
export { CommandError, runCommand, tail, type RunOptions, type RunResult } from './run-command.js';
export { parseJUnitXml, readJUnitReports, type JUnitCase } from './junit-report.js';
export { withFileLock } from './file-lock.js';
export { ensureGoTool, type GoToolSpec } from './go-tool.js';
