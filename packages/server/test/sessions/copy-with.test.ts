import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { copyWith } from '../../src/sessions/copy-with.js';

const PARSED =
  '{"afId":"default","imsSessionInfo":{"callingParty":"tel:+4930123456","calledParty":"sip:bob@example.com"},"notifUri":"http://127.0.0.1:9/notify"}';

describe('copyWith', () => {
  it('copies the attributes, then adds the new ones after them, as a spread does', () => {
    const source = JSON.parse(PARSED) as Record<string, unknown>;
    const copy = copyWith(source, { self: 'http://x/1', afId: 'other' });
    expect(JSON.stringify(copy)).toBe(JSON.stringify({ ...source, self: 'http://x/1', afId: 'other' }));
    expect(copy).not.toBe(source);
    expect(source).not.toHaveProperty('self');
  });

  it('keeps an own __proto__ attribute of a parsed object as an attribute, not as the prototype', () => {
    const source = JSON.parse('{"a":1,"__proto__":{"polluted":true}}') as Record<string, unknown>;
    const copy = copyWith(source, { b: 2 });
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.keys(copy)).toEqual(['a', '__proto__', 'b']);
  });

  it('gives the copies of parsed objects of one shape one hidden class, where a spread gives each its own', () => {
    // V8's own view of the shapes, in a process allowed to ask it (%HaveSameMap), once the sites
    // are warm as on a server under load (the first copies of a cold spread do share a class).
    const script = `
      const { copyWith } = await import(${JSON.stringify(new URL('../../src/sessions/copy-with.ts', import.meta.url).href)});
      const text = ${JSON.stringify(PARSED)};
      const spread = () => ({ ...JSON.parse(text), self: 'x' });
      const copied = () => copyWith(JSON.parse(text), { self: 'x' });
      for (let i = 0; i < 20000; i++) { spread(); copied(); }
      console.log(JSON.stringify({ spread: %HaveSameMap(spread(), spread()), copyWith: %HaveSameMap(copied(), copied()) }));
    `;
    const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual({ spread: false, copyWith: true });
  });
});
