import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: sorts like its numbers.

let lastTime = -1;
let lastRandom: bigint = 0n;

/**
 * A ULID-shaped id: 10 characters of millisecond time, then 16 of randomness. Ids of one process
 * are strictly increasing (the random part counts up within a millisecond), so they sort by
 * creation; ids from processes on different machines sort by their clocks.
 */
export function newEntryId(now: number = Date.now()): string {
  let random: bigint;
  if (now <= lastTime) {
    random = (lastRandom + 1n) & ((1n << 80n) - 1n);
    now = lastTime;
  } else {
    random = BigInt(`0x${randomBytes(10).toString('hex')}`);
  }
  lastTime = now;
  lastRandom = random;
  return encode(BigInt(now), 10) + encode(random, 16);
}

function encode(value: bigint, length: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < length; i++) {
    out = ALPHABET[Number(rest & 31n)] + out;
    rest >>= 5n;
  }
  return out;
}
