/**
 * The packages' promises about what their entries load, checked in fresh `node` processes
 * against the built `dist/` (run `pnpm build` first): code that only calls `release()` with an
 * adapter factory loads neither inversify nor reflect-metadata (which patches the global
 * `Reflect`), and the testing helpers users are told to use load no test runner. Each package
 * is imported by its own name from its own directory (a package may import itself through its
 * `exports`), so the resolution is exactly a user's.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadsInversify, loadsReflectMetadata, loadsVitest, modulesLoadedBy } from '../src/loaded-modules.js';
import { assertBuilt, packageDir } from './workspace.js';

/** [package directory, entry a user imports] */
const LEAN_ENTRIES: Array<[string, string]> = [
  ['core', '@agent-release/core'],
  ['core', '@agent-release/core/testing'],
  ['adapter-atoms', '@agent-release/adapter-atoms'],
  ['adapter-langdock', '@agent-release/adapter-langdock'],
  ['rollout', '@agent-release/rollout'],
  ['rollout', '@agent-release/rollout/testing'],
];

beforeAll(() => assertBuilt(new Set(LEAN_ENTRIES.map(([dir]) => dir))));

describe('main and testing entries load no DI framework and no test runner', () => {
  it.each(LEAN_ENTRIES)('%s: %s', { timeout: 60_000 }, async (dir, entry) => {
    const { urls, reflectGetMetadata } = await modulesLoadedBy([entry], packageDir(dir));
    expect(urls.length).toBeGreaterThan(1);
    const heavy = urls.filter((u) => loadsInversify([u]) || loadsReflectMetadata([u]) || loadsVitest([u]));
    expect(heavy).toEqual([]);
    expect(reflectGetMetadata).toBe('undefined');
  });
});

// The detection itself can tell: the entries that do need those are seen loading them.
describe('what needs those lives behind its own entry', () => {
  it.each([
    ['adapter-atoms', '@agent-release/adapter-atoms/di', 'inversify', loadsInversify],
    ['adapter-langdock', '@agent-release/adapter-langdock/di', 'inversify', loadsInversify],
    ['core', '@agent-release/core/testing/conformance', 'vitest', loadsVitest],
    ['rollout', '@agent-release/rollout/testing/conformance', 'vitest', loadsVitest],
  ] as const)('%s: %s loads %s', { timeout: 60_000 }, async (dir, entry, _what, loads) => {
    const { urls } = await modulesLoadedBy([entry], packageDir(dir));
    expect(loads(urls)).toBe(true);
  });
});
