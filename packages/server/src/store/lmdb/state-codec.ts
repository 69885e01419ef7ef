import type { DeliveryState } from '../store.js';
import { stateRecord, type StateRecord } from './state-record.js';

/*
 * StateRecord in binary: it is read and rewritten several times per delivery, and this encodes and
 * decodes in less than half the time JSON takes (and skips lmdb-js's string conversions). Little-endian:
 *   0  u8   format (1)
 *   1  u8   state: 0 pending, 1 delivered, 2 failed
 *   2  u8   which optional fields are present: LEASE_OWNER | LEASE_UNTIL | LAST_STATUS | LAST_ERROR | FINISHED_AT
 *   3  u8   0
 *   4  f64  seq, attempts, nextAttemptAt, leaseUntil, lastStatus, finishedAt (0 when absent)
 *  52  then stream, target, leaseOwner?, lastError?: each a u32 byte length and UTF-8 bytes
 *
 * The lease fields are written by no version since leases moved into memory (b089739), but the
 * versions from 17983a9 to 81d4792 wrote them: such a record is still read, and its lease is
 * released when the store is opened (see releaseStoredLeases in layout.ts).
 */
const STATE_FORMAT = 1;
const STATES: readonly DeliveryState[] = ['pending', 'delivered', 'failed'];
const LEASE_OWNER = 1;
const LEASE_UNTIL = 2;
const LAST_STATUS = 4;
const LAST_ERROR = 8;
const FINISHED_AT = 16;
const FIXED_SIZE = 52;

/** The lmdb-js encoder of the `states` database. */
export const stateCodec = {
  encode(state: StateRecord): Buffer {
    let size = FIXED_SIZE + 8 + 3 * (state.stream.length + state.target.length);
    if (state.lastError !== undefined) size += 4 + 3 * state.lastError.length;
    const buffer = Buffer.allocUnsafe(size);
    let present = 0;
    if (state.lastStatus !== undefined) present |= LAST_STATUS;
    if (state.lastError !== undefined) present |= LAST_ERROR;
    if (state.finishedAt !== undefined) present |= FINISHED_AT;
    buffer[0] = STATE_FORMAT;
    const code = STATES.indexOf(state.state);
    if (code < 0) throw new Error(`unknown outbox delivery state ${String(state.state)}`);
    buffer[1] = code;
    buffer[2] = present;
    buffer[3] = 0;
    buffer.writeDoubleLE(state.seq, 4);
    buffer.writeDoubleLE(state.attempts, 12);
    buffer.writeDoubleLE(state.nextAttemptAt, 20);
    buffer.writeDoubleLE(0, 28);
    buffer.writeDoubleLE(state.lastStatus ?? 0, 36);
    buffer.writeDoubleLE(state.finishedAt ?? 0, 44);
    let at = writeString(buffer, FIXED_SIZE, state.stream);
    at = writeString(buffer, at, state.target);
    if (state.lastError !== undefined) at = writeString(buffer, at, state.lastError);
    return buffer.subarray(0, at);
  },

  decode(buffer: Buffer): StateRecord {
    if (buffer[0] !== STATE_FORMAT) throw new Error(`unknown outbox state record format ${String(buffer[0])}`);
    const present = buffer[2] ?? 0;
    let at = FIXED_SIZE;
    const stream = readString(buffer, at);
    at += 4 + stringFieldLength(buffer, at);
    const target = readString(buffer, at);
    at += 4 + stringFieldLength(buffer, at);
    // A lease owner written by an older version: skipped (the lease is released at open).
    if ((present & LEASE_OWNER) !== 0) at += 4 + stringFieldLength(buffer, at);
    const lastError = (present & LAST_ERROR) !== 0 ? readString(buffer, at) : undefined;
    const state = STATES[buffer[1] ?? -1];
    if (state === undefined) throw new Error(`unknown outbox delivery state code ${String(buffer[1])}`);
    return stateRecord(
      stream,
      buffer.readDoubleLE(4),
      state,
      buffer.readDoubleLE(12),
      buffer.readDoubleLE(20),
      target,
      (present & LAST_STATUS) !== 0 ? buffer.readDoubleLE(36) : undefined,
      lastError,
      (present & FINISHED_AT) !== 0 ? buffer.readDoubleLE(44) : undefined,
    );
  },
};

/** Whether bytes read from `states` are in this codec's format (the JSON records written before 17983a9 are not). */
export function isStateRecordFormat(bytes: Uint8Array): boolean {
  return bytes[0] === STATE_FORMAT;
}

/** Whether an encoded state record carries a lease (written by the versions that stored leases). */
export function hasStoredLease(bytes: Uint8Array): boolean {
  return ((bytes[2] ?? 0) & (LEASE_OWNER | LEASE_UNTIL)) !== 0;
}

/**
 * A length with this bit set says the bytes are UTF-16LE: a string that is not well-formed UTF-16
 * (a lone surrogate, which a client may send in a notifUri) has no UTF-8 form, and would come back
 * as U+FFFD. Records written before the bit existed never set it (their lengths are far below 2^31).
 */
const UTF16 = 0x8000_0000;

/** Writes `value` as a u32 byte length (and encoding bit) and its bytes at `at`; returns the end. */
function writeString(buffer: Buffer, at: number, value: string): number {
  if (isWellFormed(value)) {
    const length = buffer.write(value, at + 4, 'utf8');
    buffer.writeUInt32LE(length, at);
    return at + 4 + length;
  }
  const length = buffer.write(value, at + 4, 'utf16le');
  buffer.writeUInt32LE((length | UTF16) >>> 0, at);
  return at + 4 + length;
}

/** String.prototype.isWellFormed: in Node 20, but in TypeScript's ES2024 lib, not the ES2023 one we compile against. */
function isWellFormed(value: string): boolean {
  return (value as string & { isWellFormed(): boolean }).isWellFormed();
}

function readString(buffer: Buffer, at: number): string {
  const start = at + 4;
  const header = buffer.readUInt32LE(at);
  const length = header & ~UTF16;
  return buffer.toString((header & UTF16) !== 0 ? 'utf16le' : 'utf8', start, start + length);
}

/** The byte length of a string field at `at`, encoding bit cleared. */
export function stringFieldLength(buffer: Buffer, at: number): number {
  return buffer.readUInt32LE(at) & ~UTF16;
}
