/**
 * Cold start of `import '@agent-release/core'` alone, without the DI entry point (issue 12: the
 * core must not load inversify unless `@agent-release/core/di` is imported).
 *
 * Each sample is a fresh `node` process that imports only the core and prints how long the
 * import took. One more process runs with a resolve hook (registered through `--import`) that
 * writes every resolved module URL to a file; that list says whether inversify or
 * reflect-metadata were loaded and how many modules the import pulled in. The hook slows module
 * loading, so its process is not timed.
 *
 * `root` is the repository checkout to measure (its `bench/` directory resolves
 * `@agent-release/core` to that checkout's build), so the same code measures an older commit.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Spread, spread } from './stats.js';

const run = promisify(execFile);

/** What importing the core alone costs and loads. */
export interface CoreImportResult {
  samples: number;
  /** Wall time of `await import('@agent-release/core')` inside a fresh process. */
  importMs: Spread;
  /** Modules resolved by the import (files and node builtins). */
  modulesResolved: number;
  inversifyLoaded: boolean;
  reflectMetadataLoaded: boolean;
}

const TIMED = `const t0 = performance.now();
await import('@agent-release/core');
console.log(JSON.stringify({ importMs: performance.now() - t0 }));`;

// Runs in the loader-hooks thread: appends each resolved URL to the file named by the env.
const HOOKS = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.CORE_IMPORT_LOG, result.url + '\\n');
  return result;
}`;
const REGISTER = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}));`;

/** Measures the import in `samples` fresh processes (after one discarded) plus one hooked run. */
export async function measureCoreImport(options: {
  root: string;
  samples: number;
}): Promise<CoreImportResult> {
  const cwd = join(options.root, 'bench');
  const times: number[] = [];
  for (let i = 0; i <= options.samples; i++) {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', TIMED], { cwd });
    // The first process warms the OS file cache; it is not counted.
    if (i > 0) times.push((JSON.parse(stdout.trim()) as { importMs: number }).importMs);
  }
  const dir = await mkdtemp(join(tmpdir(), 'core-import-'));
  try {
    const log = join(dir, 'resolved.txt');
    await run(
      process.execPath,
      [
        '--import',
        `data:text/javascript,${encodeURIComponent(REGISTER)}`,
        '--input-type=module',
        '-e',
        "await import('@agent-release/core');",
      ],
      { cwd, env: { ...process.env, CORE_IMPORT_LOG: log } },
    );
    const urls = [...new Set((await readFile(log, 'utf8')).split('\n').filter(Boolean))];
    return {
      samples: options.samples,
      importMs: spread(times),
      modulesResolved: urls.length,
      inversifyLoaded: urls.some((u) => /\/inversify\/|\/@inversifyjs\//.test(u)),
      reflectMetadataLoaded: urls.some((u) => u.includes('/reflect-metadata/')),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
