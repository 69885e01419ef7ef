import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('MMTEL_PG_POOL_SIZE', () => {
  it('is 10 connections when unset', () => {
    expect(loadConfig({}).pgPoolSize).toBe(10);
  });

  it('takes the number of connections given', () => {
    expect(loadConfig({ MMTEL_PG_POOL_SIZE: '4' }).pgPoolSize).toBe(4);
  });

  it.each(['0', '1001', '2.5', 'ten'])('refuses %s', (value) => {
    expect(() => loadConfig({ MMTEL_PG_POOL_SIZE: value })).toThrow(ConfigError);
  });
});
