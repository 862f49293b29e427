import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

afterEach(() => {
  vi.restoreAllMocks();
});

// The README's quick start must be the example file, and its printed output what the file prints.
describe('README quick start', () => {
  const readme = read('../README.md');
  const example = read('../examples/ledger-basics.mjs');

  it('is the example file, verbatim', () => {
    expect(/```js\n([\s\S]*?)```/.exec(readme)?.[1]).toBe(example);
  });

  it('prints the output shown in the README', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    });
    // vitest resolves the example's @agent-release/* imports to the workspace sources.
    const examplePath = '../examples/ledger-basics.mjs';
    await import(/* @vite-ignore */ examplePath);
    const shown = /Output:\n\n```text\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(`${lines.join('\n')}\n`).toBe(shown);
  });
});
