/**
 * A throw-away project that installs the workspace packages the way a user does: `pnpm pack`
 * (which rewrites `workspace:^` to real versions) then `npm install <tarballs> --omit=dev`, so
 * only what the tarballs declare is there — no vitest, no workspace links.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { packageDir } from './workspace.js';

const run = promisify(execFile);

/** Why `pnpm pack` cannot run here, or `undefined` when it can. */
export async function whyPnpmCannotPack(): Promise<string | undefined> {
  try {
    await run('pnpm', ['--version'], { timeout: 60_000 });
    return undefined;
  } catch (error) {
    return `pnpm is not runnable (${(error as Error).message.split('\n')[0]})`;
  }
}

/**
 * Where node-gyp finds the headers of the Node running this test: beside its binary when that
 * Node came as a package with its headers (CI's extra Node versions), since node-gyp cannot
 * download them on these machines. Nothing when they are not there (npm's own setting applies).
 */
function nodeHeaders(): Record<string, string> {
  const root = dirname(dirname(process.execPath));
  return existsSync(join(root, 'include', 'node', 'node.h')) ? { npm_config_nodedir: root } : {};
}

/** A temp project with the packed packages installed; `close()` deletes it. */
export interface PackedProject {
  dir: string;
  close(): Promise<void>;
}

/** Packs `packages` (directory names under `packages/`) and installs every tarball in one go. */
export async function installPacked(packages: readonly string[]): Promise<PackedProject> {
  const dir = await mkdtemp(join(tmpdir(), 'packed-examples-'));
  try {
    const tarballs = join(dir, 'tarballs');
    await mkdir(tarballs);
    for (const name of packages) {
      await run('pnpm', ['pack', '--pack-destination', tarballs], {
        cwd: packageDir(name),
        timeout: 120_000,
      });
    }
    const files = (await readdir(tarballs)).filter((f) => f.endsWith('.tgz')).map((f) => join(tarballs, f));
    const project = join(dir, 'project');
    await mkdir(project);
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({ name: 'packed-examples', private: true, type: 'module' }),
    );
    // The npm cache holds the dependencies (the workspace installed the same versions), so this
    // works offline; a native addon without a prebuilt binary is compiled, which takes minutes.
    await run('npm', ['install', ...files, '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: project,
      env: { ...process.env, ...nodeHeaders() },
      timeout: 900_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { dir: project, close: () => rm(dir, { recursive: true, force: true }) };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
