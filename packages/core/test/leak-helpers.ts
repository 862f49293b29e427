import { inspect } from 'node:util';

/** Every textual form an error can take when a user logs, serialises or prints it. */
export function renderings(value: unknown): string[] {
  const out = [String(value), inspect(value, { depth: 10, showHidden: true }), JSON.stringify(value) ?? ''];
  if (value instanceof Error) {
    out.push(value.message, value.stack ?? '', inspect(value.cause, { depth: 10, showHidden: true }));
  }
  return out;
}

/** Fails with the offending rendering if `secret` occurs in any rendering of `value`. */
export function expectNoSecret(value: unknown, secret: string): void {
  for (const text of renderings(value)) {
    if (text.includes(secret)) throw new Error(`secret leaked in: ${text.slice(0, 500)}`);
  }
}
