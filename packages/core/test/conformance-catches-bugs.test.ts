import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const vitestBin = fileURLToPath(
  new URL('node_modules/vitest/vitest.mjs', new URL('../../../', import.meta.url)),
);

it('the conformance suite fails a releaser that creates a version when nothing changed', () => {
  const run = spawnSync(
    process.execPath,
    [
      vitestBin,
      'run',
      '--config',
      'packages/core/test/fixtures/vitest.fixtures.config.ts',
      '--reporter',
      'json',
    ],
    { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 60_000 },
  );
  expect(run.status).not.toBe(0);
  const report = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as {
    testResults: Array<{ assertionResults: Array<{ title: string; status: string }> }>;
  };
  const results = report.testResults.flatMap((f) => f.assertionResults);
  const twice = results.find((r) => r.title.startsWith('releasing the same change twice'));
  expect(twice?.status).toBe('failed');
  // The rest of the suite still passes for this releaser: the failure is specific.
  expect(results.filter((r) => r.status === 'passed').length).toBeGreaterThan(3);
});
