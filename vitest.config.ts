import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests run against the TypeScript sources of the workspace packages, so a test run needs no
// prior build; `pnpm build` separately proves the published `dist/` compiles.
const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      {
        find: /^@agent-release\/core\/testing\/conformance$/,
        replacement: src('./packages/core/src/testing/conformance.ts'),
      },
      { find: /^@agent-release\/core\/testing$/, replacement: src('./packages/core/src/testing/index.ts') },
      { find: /^@agent-release\/core\/di$/, replacement: src('./packages/core/src/di/index.ts') },
      { find: /^@agent-release\/core\/provider$/, replacement: src('./packages/core/src/provider/index.ts') },
      { find: /^@agent-release\/core$/, replacement: src('./packages/core/src/index.ts') },
      { find: /^@agent-release\/ledger$/, replacement: src('./packages/ledger/src/index.ts') },
      {
        find: /^@agent-release\/rollout\/bullmq$/,
        replacement: src('./packages/rollout/src/bullmq/index.ts'),
      },
      {
        find: /^@agent-release\/rollout\/testing\/conformance$/,
        replacement: src('./packages/rollout/src/testing/conformance.ts'),
      },
      {
        find: /^@agent-release\/rollout\/testing$/,
        replacement: src('./packages/rollout/src/testing/index.ts'),
      },
      { find: /^@agent-release\/rollout$/, replacement: src('./packages/rollout/src/index.ts') },
      { find: /^@agent-release\/emulator$/, replacement: src('./packages/emulator/src/index.ts') },
      { find: /^@agent-release\/adapter-atoms\/di$/, replacement: src('./packages/adapter-atoms/src/di.ts') },
      { find: /^@agent-release\/adapter-atoms$/, replacement: src('./packages/adapter-atoms/src/index.ts') },
      {
        find: /^@agent-release\/adapter-langdock\/di$/,
        replacement: src('./packages/adapter-langdock/src/di.ts'),
      },
      {
        find: /^@agent-release\/adapter-langdock$/,
        replacement: src('./packages/adapter-langdock/src/index.ts'),
      },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
