import { randomBytes } from 'node:crypto';

/** A new tag for a From or To header (RFC 3261 clause 19.3: at least 32 bits of randomness). */
export function newTag(): string {
  return randomBytes(8).toString('hex');
}

/** A new Call-ID, unique in space and time (RFC 3261 clause 8.1.1.4). */
export function newCallId(host: string): string {
  return `${randomBytes(12).toString('hex')}@${host}`;
}
