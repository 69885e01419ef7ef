import { randomInt } from 'node:crypto';

/**
 * The seed of a fault-injection run: `MMTEL_FAULT_SEED` when set (to replay a failing run), else
 * a fresh one. Tests print it.
 */
export function faultSeed(): number {
  const given = process.env['MMTEL_FAULT_SEED'];
  if (given !== undefined && given.trim() !== '') {
    const seed = Number(given);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff)
      throw new Error(`MMTEL_FAULT_SEED must be an integer in [0, 2^32): ${given}`);
    return seed;
  }
  return randomInt(0, 0xffff_ffff);
}

/** mulberry32: a small, fast PRNG with 32-bit state; the same seed gives the same sequence. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

/**
 * A draw in [0, 1) fixed by the seed and `parts` alone: a decision keyed by (notification, attempt)
 * comes out the same whatever order concurrent requests arrive in, so a seed replays a run's faults.
 */
export function drawFor(seed: number, ...parts: (string | number)[]): number {
  // FNV-1a over the parts, mixed with the seed, then one step of mulberry32 to spread the bits.
  let hash = 0x811c9dc5 ^ seed;
  for (const char of parts.join('\u0000')) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193);
  }
  return mulberry32(hash >>> 0)();
}
