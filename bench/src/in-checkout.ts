/**
 * Runs one of this package's built benchmark modules inside another checkout of the repository
 * (e.g. an older commit, for before/after figures): the module is copied into that checkout's
 * `bench/dist/`, so its package imports resolve to that checkout's builds. The checkout must be
 * installed and built (`pnpm install --frozen-lockfile && pnpm -r build`).
 */
import { execFile } from 'node:child_process';
import { copyFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Calls `exported(options)` of `bench/dist/<file>` inside `root` and returns its JSON result. */
export async function runInCheckout<T>(
  root: string,
  file: string,
  exported: string,
  options: unknown,
): Promise<T> {
  const target = join(root, 'bench', 'dist', `in-checkout-${process.pid}-${file}`);
  await copyFile(fileURLToPath(new URL(`./${file}`, import.meta.url)), target);
  try {
    const code = `const m = await import(${JSON.stringify(pathToFileURL(target).href)});
console.log(JSON.stringify(await m[${JSON.stringify(exported)}](${JSON.stringify(options)})));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], {
      cwd: join(root, 'bench'),
      maxBuffer: 16 * 1024 * 1024,
    });
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null') as T;
  } finally {
    await rm(target, { force: true });
  }
}
