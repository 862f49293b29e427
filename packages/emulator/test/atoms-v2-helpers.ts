import { type AtomsEmulator, type AtomsEmulatorOptions, startAtomsEmulator } from '@agent-release/emulator';
import { afterEach, expect } from 'vitest';
import { client, type Json, manualClock } from './helpers.js';

/** Starts Atoms emulators for one test file and closes them after each test. */
export function v2Harness() {
  const running: AtomsEmulator[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((emu) => emu.close()));
  });

  /** A v2 emulator on a manual clock (scans end when the test advances it). */
  async function start(options: AtomsEmulatorOptions = {}) {
    const clock = manualClock();
    const emu = await startAtomsEmulator({
      versioning: 'v2',
      clock,
      securityCheck: { durationMs: 6000 },
      ...options,
    });
    running.push(emu);
    const call = client(emu);
    /** An agent created over HTTP and its live Main branch. */
    async function agent(body: Record<string, unknown> = { name: 'v2-agent' }) {
      const created = await call('POST', '/agent', body);
      expect(created.status).toBe(201);
      const agentId: string = created.body.data;
      const list = await call('GET', `/agent/${agentId}/branches`);
      const main: Json = list.body.data.branches.find((b: Json) => b.branch.isDefault);
      return { agentId, mainId: main.branch._id as string, headId: main.branch.headRevisionId as string };
    }
    return { emu, clock, call, agent };
  }

  return { start };
}

export const BAD_ID = 'not-an-object-id';
export const UNKNOWN_ID = 'aaaaaaaaaaaaaaaaaaaaaaaa';
