import { randomBytes } from 'node:crypto';

let lastMs = 0;
let counter = 0;
let random: Buffer = Buffer.alloc(0);
let randomAt = 0;

/**
 * Creates an outbox entry id that sorts by creation: 12 hex digits of epoch ms, 6 of a per-process
 * counter within that millisecond, then 8 random ones so that ids from several instances never collide.
 */
export function createEntryId(now: number = Date.now()): string {
  // A clock that steps back must not make a later id sort first within this process.
  if (now > lastMs) {
    lastMs = now;
    counter = 0;
  } else {
    counter += 1;
  }
  return lastMs.toString(16).padStart(12, '0') + counter.toString(16).padStart(6, '0') + randomHex8();
}

/** 4 random bytes as hex, drawn from a pooled buffer (one getrandom call per 1,024 ids). */
function randomHex8(): string {
  if (randomAt + 4 > random.length) {
    random = randomBytes(4096);
    randomAt = 0;
  }
  randomAt += 4;
  return random.toString('hex', randomAt - 4, randomAt);
}
