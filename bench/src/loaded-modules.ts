/**
 * What importing some modules in a fresh `node` process loads: every resolved module URL (through
 * a resolve hook registered with `--import`) and whether the global `Reflect` was patched with
 * `getMetadata` (what reflect-metadata does). Used by the import benchmark and by the tests that
 * keep the packages' main entries free of inversify, reflect-metadata and vitest.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What a fresh process loaded while importing. */
export interface LoadedModules {
  /** Resolved URLs (files and node builtins), each once, in resolution order. */
  urls: string[];
  /** `typeof Reflect.getMetadata` after the imports: `'function'` once reflect-metadata ran. */
  reflectGetMetadata: string;
}

// Runs in the loader-hooks thread: appends each resolved URL to the file named by the env.
const HOOKS = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.LOADED_MODULES_LOG, result.url + '\\n');
  return result;
}`;
const REGISTER = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}));`;

/** Imports `specifiers` (resolved from `cwd`) in a fresh hooked process and reports what loaded. */
export async function modulesLoadedBy(specifiers: readonly string[], cwd: string): Promise<LoadedModules> {
  const dir = await mkdtemp(join(tmpdir(), 'loaded-modules-'));
  try {
    const log = join(dir, 'resolved.txt');
    const code = `${specifiers.map((s) => `await import(${JSON.stringify(s)});`).join('\n')}
console.log(JSON.stringify({ reflectGetMetadata: typeof Reflect.getMetadata }));`;
    const { stdout } = await run(
      process.execPath,
      ['--import', `data:text/javascript,${encodeURIComponent(REGISTER)}`, '--input-type=module', '-e', code],
      { cwd, env: { ...process.env, LOADED_MODULES_LOG: log } },
    );
    const urls = [...new Set((await readFile(log, 'utf8')).split('\n').filter(Boolean))];
    const { reflectGetMetadata } = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
      reflectGetMetadata: string;
    };
    return { urls, reflectGetMetadata };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Whether any URL is a file of inversify (or its `@inversifyjs/*` parts). */
export const loadsInversify = (urls: readonly string[]): boolean =>
  urls.some((u) => /\/inversify\/|\/@inversifyjs\//.test(u));

/** Whether any URL is a file of reflect-metadata. */
export const loadsReflectMetadata = (urls: readonly string[]): boolean =>
  urls.some((u) => u.includes('/reflect-metadata/'));

/** Whether any URL is a file of vitest (or its `@vitest/*` parts). */
export const loadsVitest = (urls: readonly string[]): boolean =>
  urls.some((u) => /\/vitest\/|\/@vitest\//.test(u));
