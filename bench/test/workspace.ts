/**
 * Where the workspace packages are, and a guard for the suites that run their built `dist/`:
 * a missing build is a clear failure, not a confusing import error.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of `packages/<name>`. */
export const packageDir = (name: string): string =>
  fileURLToPath(new URL(`../../packages/${name}`, import.meta.url));

/** Throws, naming the fix, when a package's `dist/index.js` has not been built. */
export function assertBuilt(names: Iterable<string>): void {
  for (const name of names) {
    if (!existsSync(`${packageDir(name)}/dist/index.js`)) {
      throw new Error(`packages/${name}/dist is missing: run \`pnpm build\` before this suite.`);
    }
  }
}
