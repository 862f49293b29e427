import { inspect } from 'node:util';
import { ConfigurationError, noopLogger } from '@agent-release/core';
import {
  BoundedMap,
  parseReleaserOptions,
  releaserOptionsSchema,
  releaserOptionsShape,
} from '@agent-release/core/provider';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const KEY = 'sk_live_Zq9XwV3mT7pR2sK8nB4c';

describe('parseReleaserOptions', () => {
  it('accepts the shared options', () => {
    const o = parseReleaserOptions(
      releaserOptionsSchema,
      { apiKey: KEY, timeoutMs: 5000, retry: false, logger: noopLogger },
      'acme',
    );
    expect(o).toMatchObject({ apiKey: KEY, timeoutMs: 5000, retry: false });
  });

  it('lets an adapter extend the shape', () => {
    const schema = z.strictObject({ ...releaserOptionsShape, region: z.enum(['eu', 'us']).optional() });
    expect(parseReleaserOptions(schema, { apiKey: KEY, region: 'eu' }, 'acme').region).toBe('eu');
  });

  it.each([
    [{ apiKey: KEY, timeoutMs: -1 }, 'timeoutMs'],
    [{ apiKey: KEY, retry: { maxRetries: 99 } }, 'retry.maxRetries'],
    [{ apiKey: KEY, logger: {} }, 'logger'],
    [{ apiKey: KEY, typo: 1 }, '(root)'],
    [{ apiKey: '' }, 'apiKey'],
  ])('refuses %j naming the option and never the key', (options, path) => {
    const error = (() => {
      try {
        parseReleaserOptions(releaserOptionsSchema, options, 'acme');
      } catch (e) {
        return e;
      }
    })() as ConfigurationError;
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain(path === '(root)' ? 'typo' : path);
    for (const text of [error.message, error.stack ?? '', JSON.stringify(error), inspect(error)]) {
      expect(text).not.toContain(KEY.slice(8, 18));
    }
  });
});

describe('BoundedMap', () => {
  it('forgets the least recently used entry beyond its cap', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2);
    expect(map.get('a')).toBe(1);
    map.set('c', 3);
    expect([map.has('a'), map.has('b'), map.has('c')]).toEqual([true, false, true]);
    expect(map.size).toBe(2);
    expect(map.delete('a')).toBe(true);
    expect(() => new BoundedMap(0)).toThrow(RangeError);
  });
});
