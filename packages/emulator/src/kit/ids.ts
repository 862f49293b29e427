import { randomBytes, randomUUID } from 'node:crypto';

/** Random lowercase hex of `bytes` bytes. */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/**
 * A 24-hex id shaped like a Mongo ObjectId (seconds timestamp + random tail), so clients that
 * validate `^[a-f\d]{24}$` accept it just as they would a real one.
 */
export function objectId(nowMs: number = Date.now()): string {
  const seconds = Math.floor(nowMs / 1000)
    .toString(16)
    .padStart(8, '0')
    .slice(-8);
  return seconds + randomHex(8);
}

const OBJECT_ID = /^[a-f\d]{24}$/i;

/** The pattern the Atoms spec puts on version ids and the diff query parameters. */
export function isObjectId(value: unknown): value is string {
  return typeof value === 'string' && OBJECT_ID.test(value);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Langdock ids are `format: uuid`. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

export { randomUUID as uuid };
