import { readFileSync } from 'node:fs';
import { afterEach, expect, it, vi } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

afterEach(() => {
  vi.restoreAllMocks();
});

// The README's first snippet must be the example file, and its output what the file prints.
it('the README snippet is the example file and prints what the README shows', async () => {
  const readme = read('../README.md');
  expect(/```js\n([\s\S]*?)```/.exec(readme)?.[1]).toBe(read('../examples/readme-release.mjs'));
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  });
  const examplePath = '../examples/readme-release.mjs';
  await import(/* @vite-ignore */ examplePath);
  expect(`${lines.join('\n')}\n`).toBe(/Output:\n\n```text\n([\s\S]*?)```/.exec(readme)?.[1]);
});
