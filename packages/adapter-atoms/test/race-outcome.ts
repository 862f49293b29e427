import { ConflictError } from '@agent-release/core';
import { expect } from 'vitest';

/**
 * Asserts the promise of racing writers: at least one was told it released, every other one was
 * told ConflictError, and the live config holds exactly the fields of those told `released`
 * (`fields[i]` is what caller i wrote).
 */
export function expectLiveMatches(
  live: Record<string, unknown>,
  results: readonly PromiseSettledResult<unknown>[],
  fields: readonly (readonly [field: string, value: unknown])[],
): void {
  expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
  for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConflictError);
  const told = results.map((r) => r.status === 'fulfilled');
  expect(fields.map(([field, value]) => live[field] === value)).toEqual(told);
}
