// Issue 10 across address spaces: two real processes release different fields of one Atoms v1
// agent at once, each with its own in-process lock and no shared lease. At least one must be told
// `released`, the other `released` or ConflictError, and the live config must hold exactly the
// fields of those told `released`.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ConflictError } from '@agent-release/core';
import { type AtomsEmulator, startAtomsEmulator } from '@agent-release/emulator';
import nock from 'nock';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectLiveMatches } from './race-outcome.js';

const WORKER = fileURLToPath(new URL('./fixtures/release-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ROUNDS = 8;

let emulator: AtomsEmulator;
beforeAll(async () => {
  nock.enableNetConnect('127.0.0.1');
  emulator = await startAtomsEmulator({ securityCheck: { durationMs: 60 } });
});
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children) child.stdin?.end();
  await emulator?.close();
});

interface Line {
  agentId: string;
  outcome: 'released' | 'failed';
  error?: string;
}

/** A worker process and a reader of its answer lines, in order. */
function worker(role: 'a' | 'b') {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, emulator.baseUrl, role], {
    // From the repository root, where `tsx` is installed and whose tsconfig maps the workspace
    // packages to their sources.
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: `${ROOT}tsconfig.dev.json`, ATOMS_API_KEY: emulator.apiKey },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return {
    release: async (agentId: string): Promise<Line> => {
      child.stdin!.write(`${agentId}\n`);
      const next = await lines.next();
      if (next.done) throw new Error(`worker ${role} exited (code ${child.exitCode})`);
      return JSON.parse(next.value) as Line;
    },
  };
}

/** A worker's answer as the settled result the in-process tests assert on. */
const settled = (line: Line): PromiseSettledResult<unknown> =>
  line.outcome === 'released'
    ? { status: 'fulfilled', value: line }
    : { status: 'rejected', reason: line.error === 'CONFLICT' ? new ConflictError('conflict') : line };

describe('two processes releasing one Atoms v1 agent without a shared lease', () => {
  it(`${ROUNDS} rounds: one at least released, live holds exactly the released fields`, {
    timeout: 180_000,
  }, async () => {
    const a = worker('a');
    const b = worker('b');
    for (let round = 0; round < ROUNDS; round++) {
      const agentId = emulator.state.createAgent({ name: `race-${round}`, prompt: 'Initial', tools: [] });
      const lines = await Promise.all([a.release(agentId), b.release(agentId)]);
      expectLiveMatches(emulator.state.activeVersion(agentId)!.config, lines.map(settled), [
        ['firstMessage', 'Hello from A'],
        ['backgroundSound', 'office'],
      ]);
    }
  });
});
