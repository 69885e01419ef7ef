import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { DEFAULT_VALUES } from '../../src/config/defaults.js';
import { foreignVariables, variables, type VariableName } from '../../src/config/variables.js';
import { NotificationEngine } from '../../src/notifications/index.js';
import { DEFAULT_LEASE_MS } from '../../src/store/outbox-core.js';

const entries = Object.entries(variables) as Array<[VariableName, (typeof variables)[VariableName]]>;
const SOURCES = fileURLToPath(new URL('../../src/', import.meta.url));

/** Every TypeScript source of the server, but the generated ones. */
function serverSources(): Array<{ path: string; text: string }> {
  return readdirSync(SOURCES, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.ts') && !path.endsWith('.gen.ts'))
    .map((path) => ({ path, text: readFileSync(join(SOURCES, path), 'utf8') }));
}

describe('the configuration schema', () => {
  it('describes every variable', () => {
    const undescribed = entries.filter(([, variable]) => variable.description.trim().length < 10).map(([name]) => name);
    expect(undescribed).toEqual([]);
  });

  it('reads every constant default, written out as its variable, back as the configuration of an empty environment', () => {
    const written: Record<string, string> = {};
    for (const [name, variable] of entries) {
      const declared = variable.default;
      if (declared === undefined || !('value' in declared)) continue;
      const { value } = declared;
      if (typeof value === 'object') continue; // the empty list and map: nothing to write
      written[name] = String(value);
    }
    expect(Object.keys(written).length).toBeGreaterThan(30);
    expect(loadConfig(written, '/srv')).toEqual(loadConfig({}, '/srv'));
  });

  it.each(entries.filter(([, variable]) => variable.schema.enum !== undefined))(
    'refuses a value %s does not enumerate, listing every allowed value',
    (name, variable) => {
      expect(() => loadConfig({ [name]: 'no-such-value' })).toThrow(
        `${name}="no-such-value" is not valid: expected one of ${variable.schema.enum!.join(', ')}`,
      );
    },
  );

  it.each(entries.filter(([, variable]) => variable.schema.type === 'integer'))(
    'refuses %s just outside its range, stating the range',
    (name, variable) => {
      const { minimum, maximum } = variable.schema as { minimum: number; maximum: number };
      const range = `expected an integer from ${minimum} to ${maximum}`;
      if (minimum > 0) expect(() => loadConfig({ [name]: String(minimum - 1) })).toThrow(`${name}="${minimum - 1}" is not valid: ${range}`);
      expect(() => loadConfig({ [name]: String(maximum + 1) })).toThrow(range);
    },
  );

  it('gives the notification engine the configured defaults as its own', () => {
    const configured = loadConfig({}).notifications;
    expect(NotificationEngine.defaultPolicy).toMatchObject({
      timeoutMs: configured.timeoutMs,
      initialBackoffMs: configured.initialBackoffMs,
      maxBackoffMs: configured.maxBackoffMs,
      maxAttempts: configured.maxAttempts,
      maxAgeMs: configured.maxAgeMs,
      concurrency: configured.concurrency,
      leaseMs: configured.leaseMs,
    });
  });

  // The store keeps its own constant (src/store compiles on its own, see schema.int.test.ts): checked here instead.
  it('gives the stores the configured lease as their default', () => {
    expect(DEFAULT_LEASE_MS).toBe(DEFAULT_VALUES.MMTEL_NOTIFY_LEASE_MS);
  });

  it("declares every MMTEL_ variable the server's code names", () => {
    const undeclared = serverSources()
      .filter(({ path }) => !path.startsWith('config'))
      .flatMap(({ path, text }) =>
        [...text.matchAll(/\bMMTEL_[A-Z0-9_]*[A-Z0-9]\b/g)]
          .map(([name]) => name)
          .filter((name) => !Object.hasOwn(variables, name))
          .map((name) => `${path}: ${name}`),
      );
    expect(undeclared).toEqual([]);
  });

  it('is the only reader of the environment in the server', () => {
    const readers = serverSources()
      .filter(({ path, text }) => !path.startsWith('config') && /process\.env\b/.test(text))
      .map(({ path }) => path);
    expect(readers).toEqual([]);
  });

  it("declares none of the other tools' variables", () => {
    expect(Object.keys(foreignVariables).filter((name) => Object.hasOwn(variables, name))).toEqual([]);
  });
});
