import { describe, expect, it } from 'vitest';
import { newEntryId } from '../src/ids.js';

describe('newEntryId', () => {
  it('is unique and increasing within one millisecond and across a clock step back', () => {
    const ids = [newEntryId(1_000), newEntryId(1_000), newEntryId(1_000), newEntryId(999), newEntryId(2_000)];
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('sorts by time first', () => {
    expect(newEntryId(5_000) < newEntryId(6_000)).toBe(true);
  });
});
