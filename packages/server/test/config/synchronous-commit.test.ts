import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('MMTEL_SYNCHRONOUS_COMMIT', () => {
  it.each([
    ['keeps synchronous commits when unset', {}, true],
    ['keeps them with on', { MMTEL_SYNCHRONOUS_COMMIT: 'on' }, true],
    ['lets a durable write answer once committed with off', { MMTEL_SYNCHRONOUS_COMMIT: 'off' }, false],
  ] as const)('%s', (_, env, want) => {
    expect(loadConfig(env).synchronousCommit).toBe(want);
  });

  it('refuses another value', () => {
    expect(() => loadConfig({ MMTEL_SYNCHRONOUS_COMMIT: 'local' })).toThrow(ConfigError);
  });
});
