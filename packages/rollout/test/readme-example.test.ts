import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

afterEach(() => {
  vi.restoreAllMocks();
});

// The README's quick start must be the example file, and running it must do what it says: the
// halted change is rolled back (the example checks every agent's live model on the emulator and
// throws when one is not back on its earlier model).
describe('README quick start', () => {
  it('is the example file, verbatim', () => {
    expect(/```js\n([\s\S]*?)```/.exec(read('../README.md'))?.[1]).toBe(
      read('../examples/rollout-to-emulator.mjs'),
    );
  });

  it('halts the bad change and rolls the agents it released back to their earlier model', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    });
    vi.spyOn(console, 'table').mockImplementation(() => {});
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    // vitest resolves the example's @agent-release/* imports to the workspace sources.
    const examplePath = '../examples/rollout-to-emulator.mjs';
    await import(/* @vite-ignore */ examplePath);
    expect(lines.some((l) => /^\n {2}halted: /.test(l))).toBe(true);
    const rolledBack = lines.map((l) => /rolled back (\d+) agents/.exec(l)?.[1]).find(Boolean);
    expect(Number(rolledBack)).toBeGreaterThanOrEqual(3);
    expect(lines).toContain('  every agent runs its earlier model again (checked on the emulator)');
  }, 60_000);
});
