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
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadsInversify, loadsReflectMetadata, modulesLoadedBy } from './loaded-modules.js';
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
  const { urls } = await modulesLoadedBy(['@agent-release/core'], cwd);
  return {
    samples: options.samples,
    importMs: spread(times),
    modulesResolved: urls.length,
    inversifyLoaded: loadsInversify(urls),
    reflectMetadataLoaded: loadsReflectMetadata(urls),
  };
}
