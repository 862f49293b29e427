import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerProcessConfig } from './worker-process.js';

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const WORKER = fileURLToPath(new URL('./worker-process.ts', import.meta.url));

/** A worker process and what it printed. */
export interface SpawnedWorker {
  child: ChildProcess;
  /** Resolves on exit with the CPU time it reported on SIGTERM (µs), if it did. */
  exited: Promise<{ user: number; system: number } | undefined>;
}

/** Starts a rollout worker process (TypeScript sources through tsx) and resolves once it takes jobs. */
export function spawnWorker(config: WorkerProcessConfig): Promise<SpawnedWorker> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.dev.json', ROLLOUT_WORKER: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const exited = new Promise<{ user: number; system: number } | undefined>((resolve) => {
    child.once('exit', () => {
      const cpu = /cpu (\{.*\})/.exec(stdout)?.[1];
      resolve(cpu ? (JSON.parse(cpu) as { user: number; system: number }) : undefined);
    });
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      stdout += String(chunk);
      if (stdout.includes('ready')) resolve({ child, exited });
    });
    child.once('exit', (code) =>
      reject(new Error(`worker exited with ${code} before it was ready: ${stderr.slice(-2000)}`)),
    );
  });
}

/** Asks a worker to finish and exit (SIGTERM); resolves with its CPU time when it reported one. */
export async function stopWorker(
  worker: SpawnedWorker,
): Promise<{ user: number; system: number } | undefined> {
  const { child } = worker;
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  return worker.exited;
}
