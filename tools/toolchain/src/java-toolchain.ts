import { runCommand } from './run-command.js';

/** The JDK and Maven found on PATH. */
export interface JavaToolchain {
  /** `java -version`'s feature release (17, 21, 25, …). */
  javaRelease: number;
  /** `mvn -v`'s version (3.8.7). */
  mavenVersion: string;
}

/**
 * Checks for a JDK ≥ 17 (`javac` included: Maven compiles) and Maven on PATH (or JAVA_HOME), which
 * the Java SDK's build and openapi-generator need; the error says what to install.
 */
export async function findJavaToolchain(): Promise<JavaToolchain> {
  const missing = (what: string, detail: string) =>
    new Error(`${what} (${detail}). Install it (Debian: apt-get install openjdk-17-jdk-headless maven).`);
  const javac = await runCommand('javac', ['-version'], { allowFailure: true }).catch(() => undefined);
  const release = Number(/javac (\d+)/.exec(javac?.output ?? '')?.[1] ?? 0);
  if (release < 17) throw missing('A JDK ≥ 17 is needed', javac ? javac.output.trim() : 'javac not found');
  const mvn = await runCommand('mvn', ['-v', '-B'], { allowFailure: true }).catch(() => undefined);
  const mavenVersion = /Apache Maven (\S+)/.exec(mvn?.output ?? '')?.[1];
  if (!mavenVersion) throw missing('Maven is needed', mvn ? mvn.output.trim() : 'mvn not found');
  return { javaRelease: release, mavenVersion };
}
