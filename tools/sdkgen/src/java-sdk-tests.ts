/**
 * The Java SDKs' tests: one Maven build of sdks/java/pom.xml (the generated SDKs, their JUnit
 * integration tests and the example), run against reference servers whose addresses it gets in
 * its environment, and read back from Surefire's JUnit reports. Used by the vitest harness
 * (test/java-sdk.int.test.ts) and by `pnpm --filter @mmtel/sdkgen test:java` (src/test-java.ts).
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type JUnitCase, readJUnitReports, repoRoot, runCommand, type RunResult } from '@mmtel/toolchain';

/** The Maven parent and aggregator of the Java SDKs, repo-relative. */
export const javaPom = 'sdks/java/pom.xml';

/** The Maven modules that hold tests, repo-relative: each writes `target/surefire-reports/`. */
export const javaTestModules = ['sdks/java/integration-tests', 'examples/java'] as const;

/**
 * Maven's arguments for one run: batch mode, the whole reactor up to `verify`, and the example's
 * tests even when the integration tests failed (`--fail-at-end`: modules that do not depend on a
 * failed one still build).
 */
export const javaTestArgs = ['-B', '--fail-at-end', '-f', javaPom, 'verify'] as const;

/** A cold run downloads the plugins and dependencies from Maven Central: minutes, not seconds. */
export const javaTestTimeoutMs = 600_000;

/**
 * Every JUnit test the sources declare, as `SimpleClassName.method` (how Surefire's report names
 * them, less the package): the methods annotated `@Test` in each test module's `src/test/java`.
 */
export async function declaredJavaTests(root = repoRoot): Promise<string[]> {
  const declared: string[] = [];
  for (const module of javaTestModules) {
    const dir = join(root, module, 'src', 'test', 'java');
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    for (const entry of entries.filter((e) => e.isFile() && e.name.endsWith('.java'))) {
      const source = await readFile(join(entry.parentPath, entry.name), 'utf8');
      const className = basename(entry.name, '.java');
      // `@Test`, then any further annotations and modifiers, then `void name(`.
      for (const match of source.matchAll(/@Test\b[\s\S]*?\bvoid\s+(\w+)\s*\(/g)) declared.push(`${className}.${match[1]}`);
    }
  }
  return declared.sort();
}

/** What one run of the Java tests left. */
export interface JavaTestRun {
  /** Maven's exit and output. */
  result: RunResult;
  /** Every test case of every test module's Surefire reports. */
  cases: JUnitCase[];
}

/** How to run the Java tests. */
export interface JavaTestOptions {
  /** The reference servers' variables (`startSdkTestServers().env`), added to this process's environment. */
  env: Record<string, string>;
  /** Maven's output as it comes. */
  onOutput?: (chunk: string) => void;
  /** Extra Maven arguments (`-Dmaven.repo.local=…`, `-Dtest=…`). */
  mavenArgs?: readonly string[];
}

/**
 * Runs `mvn -B -f sdks/java/pom.xml verify` from the repository root with `env`, after removing
 * the previous Surefire reports (so that a module that no longer runs leaves no old passes behind),
 * and reads the reports. Maven's local repository stays its default (~/.m2).
 */
export async function runJavaSdkTests(options: JavaTestOptions): Promise<JavaTestRun> {
  const reportDirs = javaTestModules.map((module) => join(repoRoot, module, 'target', 'surefire-reports'));
  await Promise.all(reportDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  const result = await runCommand('mvn', [...javaTestArgs, ...(options.mavenArgs ?? [])], {
    cwd: repoRoot,
    env: options.env,
    timeoutMs: javaTestTimeoutMs,
    allowFailure: true,
    ...(options.onOutput && { onOutput: options.onOutput }),
  });
  const cases = (await Promise.all(reportDirs.map((dir) => readJUnitReports(dir)))).flat();
  return { result, cases };
}
