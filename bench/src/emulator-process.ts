/**
 * Parent side of `emulator-host.ts`: forks the host and sends it typed commands over IPC.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HostCommand, HostCommands, HostEndpoints, HostOptions } from './emulator-host.js';

/** A running emulator host process. */
export interface EmulatorProcess {
  readonly endpoints: HostEndpoints;
  readonly pid: number;
  call<C extends HostCommand>(cmd: C, args: HostCommands[C]['args']): Promise<HostCommands[C]['result']>;
  close(): Promise<void>;
}

/**
 * Starts the Atoms and Langdock emulators in a child process. The host is the compiled
 * `emulator-host.js` next to this file (run `pnpm --filter @agent-release/bench build` first).
 */
export async function startEmulatorProcess(options: HostOptions): Promise<EmulatorProcess> {
  const script = fileURLToPath(new URL('./emulator-host.js', import.meta.url));
  const child: ChildProcess = fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  child.on('message', (msg: { id: number; ok: boolean; result?: unknown; error?: string }) => {
    const waiter = pending.get(msg.id);
    if (!waiter) return;
    pending.delete(msg.id);
    if (msg.ok) waiter.resolve(msg.result);
    else waiter.reject(new Error(`emulator host: ${msg.error}`));
  });
  child.on('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`emulator host exited (${code})`));
    pending.clear();
  });

  const call = <C extends HostCommand>(cmd: C, args: HostCommands[C]['args']) =>
    new Promise<HostCommands[C]['result']>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, cmd, args });
    });

  const endpoints = await call('start', options);
  return {
    endpoints,
    pid: child.pid!,
    call,
    async close() {
      if (child.exitCode !== null) return;
      await call('close', {}).catch(() => {});
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.disconnect();
      await exited;
    },
  };
}
