/**
 * Every user-facing example (`packages/<pkg>/examples/*.mjs`) runs with plain `node` in a
 * project that installed the packed packages with `--omit=dev`: what the READMEs tell users to
 * run works for someone who has only the published packages — no vitest, no workspace. Needs the
 * build (`pnpm build`) and takes minutes (one `npm install` for all examples). Skipped, with a
 * message, only where `pnpm pack` cannot run; under CI that is a failure.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installPacked, type PackedProject, whyPnpmCannotPack } from './packed-project.js';
import { assertBuilt, packageDir } from './workspace.js';

const run = promisify(execFile);

/** The published packages; the emulator too, since the examples run against it. */
const PUBLISHED = ['core', 'adapter-atoms', 'adapter-langdock', 'emulator', 'ledger', 'rollout'];

/** A line each example prints only when it did its job (`<package>/<file>`). */
const KEY_LINES: Record<string, RegExp> = {
  'core/readme-release.mjs': /^released \S+ true\nunchanged$/m,
  'adapter-atoms/readme.mjs': /^second release: unchanged \(no-changes\)$/m,
  'adapter-langdock/release-to-emulator.mjs': /^second release: unchanged \(no-changes\)$/m,
  'ledger/ledger-basics.mjs': /^lease held: true$/m,
  'rollout/rollout-to-emulator.mjs': /every agent runs its earlier model again/,
};

/** `<package>/<file>` of every `.mjs` example in the workspace. */
async function exampleFiles(): Promise<string[]> {
  const found: string[] = [];
  for (const name of PUBLISHED) {
    const dir = join(packageDir(name), 'examples');
    if (!existsSync(dir)) continue;
    for (const file of await readdir(dir)) if (file.endsWith('.mjs')) found.push(`${name}/${file}`);
  }
  return found.sort();
}

const cannotPack = await whyPnpmCannotPack();
if (cannotPack !== undefined) {
  const message = `packed examples not run: ${cannotPack}.`;
  if (process.env.CI && !['0', 'false'].includes(process.env.CI.toLowerCase())) {
    throw new Error(`${message} (CI is set: this suite must run.)`);
  }
  console.warn(`SKIPPED — ${message}`);
}
const examples = await exampleFiles();

describe.skipIf(cannotPack !== undefined)('examples from packed tarballs', () => {
  let project: PackedProject;
  beforeAll(async () => {
    assertBuilt(PUBLISHED);
    project = await installPacked(PUBLISHED);
    for (const example of examples) {
      await cp(
        join(packageDir(example.split('/')[0]!), 'examples', example.split('/')[1]!),
        join(project.dir, example),
      );
    }
  }, 1_200_000);
  afterAll(async () => {
    await project?.close();
  });

  it('every example has a key line to check', () => {
    expect(examples.filter((e) => KEY_LINES[e] === undefined)).toEqual([]);
    expect(examples.length).toBeGreaterThanOrEqual(Object.keys(KEY_LINES).length);
  });

  it('installs the packages but no test runner', () => {
    expect(existsSync(join(project.dir, 'node_modules', 'vitest'))).toBe(false);
    expect(existsSync(join(project.dir, 'node_modules', '@agent-release', 'core', 'dist', 'index.js'))).toBe(
      true,
    );
  });

  it.each(examples)('node %s exits 0 and prints its key line', { timeout: 180_000 }, async (example) => {
    const env = { ...process.env };
    delete env.NODE_OPTIONS; // no hook of the test runner's reaches the example
    const result: { code?: unknown; stdout?: string; stderr?: string } = await run(
      process.execPath,
      [example],
      {
        cwd: project.dir,
        env,
        timeout: 170_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    ).catch((error: { code?: unknown; stdout?: string; stderr?: string }) => error);
    expect(result.code ?? 0, `stderr of ${example}:\n${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(KEY_LINES[example] ?? /(?!)/);
  });
});
