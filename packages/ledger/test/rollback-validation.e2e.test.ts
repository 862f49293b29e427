import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAtomsReleaser } from '@agent-release/adapter-atoms';
import { type ReleaseLock, rollback, ValidationError } from '@agent-release/core';
import { startAtomsEmulator } from '@agent-release/emulator';
import { createSqliteLedger } from '@agent-release/ledger';
import { afterEach, describe, expect, it } from 'vitest';

// Issue 6: an Atoms rollback target only the adapter rejects used to take the lease, send reads
// and write a failed ledger entry before its ValidationError. Now: no lease, no request, no entry.

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.each(['v1', 'v2', 'auto'] as const)(
  'an Atoms (%s) rollback to a malformed version id',
  (generation) => {
    it.each(['PREVIOUS', '__proto__', '1e3'])(
      '%s: ValidationError, no lease, no request, no entry',
      async (to) => {
        const emulator = await startAtomsEmulator({ versioning: generation === 'v1' ? 'v1' : 'v2' });
        cleanups.push(() => emulator.close());
        const agentId = emulator.state.createAgent({ name: 'Validate', prompt: 'Original.' });
        const dir = mkdtempSync(join(tmpdir(), 'rollback-validation-'));
        cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
        const ledger = await createSqliteLedger({ path: join(dir, 'ledger.db') });
        cleanups.push(() => ledger.close());
        let acquired = 0;
        const lock: ReleaseLock = {
          acquire: (key, options) => {
            acquired++;
            return ledger.lock.acquire(key, options);
          },
        };
        const releaser = createAtomsReleaser({
          apiKey: emulator.apiKey,
          baseUrl: emulator.baseUrl,
          apiGeneration: generation,
        });

        const error = await rollback(releaser, agentId, { to }, { ledger, lock }).catch((e: unknown) => e);

        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).message).toMatch(/target\.to/);
        expect(emulator.requests).toEqual([]);
        expect(acquired).toBe(0);
        expect(await ledger.history({ agentId })).toEqual([]);
      },
    );
  },
);
