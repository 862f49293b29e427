import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

beforeAll(() => {
  nock.enableNetConnect('127.0.0.1');
});

afterEach(() => {
  vi.restoreAllMocks();
});

// The README's quick start must be the example file, and its printed output what the file prints.
describe('README quick start', () => {
  const readme = read('../README.md');
  const example = read('../examples/readme.mjs');

  it('is the example file, verbatim', () => {
    expect(/```js\n([\s\S]*?)```/.exec(readme)?.[1]).toBe(example);
  });

  it('prints the output shown in the README when run against the emulator', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    });
    // vitest resolves the example's @agent-release/* imports to the workspace sources.
    // (A non-literal specifier keeps tsc from looking for the .mjs file's types.)
    const examplePath = '../examples/readme.mjs';
    await import(/* @vite-ignore */ examplePath);
    const shown = /Output[^\n]*:\n\n```text\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(`${lines.join('\n')}\n`).toBe(shown);
  });
});
