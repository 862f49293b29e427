// Issue 12, item 7: the v2 `PUT .../draft` body follows the published spec
// (`UpdateBranchDraftRequest`): no 4,000-character cap, `timezone` a string, `playbooks`, and
// unknown top-level fields passed through once the typed ones validated. v1 keeps its rules.
import { ValidationError } from '@agent-release/core';
import { describe, expect, it } from 'vitest';
import {
  A,
  AGENT,
  api,
  branchDraftRow,
  branchesBody,
  branchPath,
  makeReleaser,
  ok,
  useNock,
} from './fixtures.js';

useNock();

const long = 'p'.repeat(5000);

describe('v2 draft fields per UpdateBranchDraftRequest', () => {
  it('sends globalPrompt over 4000 characters, timezone as a string, playbooks and an unknown new field', async () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v2' });
    const fields = {
      globalPrompt: long,
      timezone: 'Asia/Kolkata',
      playbooks: [{ name: 'refunds', steps: ['ask order id'] }],
      someNewPlatformField: { enabled: true },
    };
    api().get(`${A}/branches`).reply(200, branchesBody());
    api().put(`${branchPath()}/draft`, fields).reply(200, ok(branchDraftRow()));

    await releaser.editDraft(AGENT, { providerOptions: { atoms: fields } });
  });

  it('still validates the typed fields and refuses agent metadata before any request', async () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v2' });
    for (const atoms of [
      { interruptionBackoffTimer: 11, extra: 1 },
      { name: 'renamed' },
      { timezone: 42 },
    ] as never[]) {
      await expect(releaser.editDraft(AGENT, { providerOptions: { atoms } })).rejects.toBeInstanceOf(
        ValidationError,
      );
    }
  });

  it('v1 keeps its own rules: an unknown field, a string timezone and a 5000-character globalPrompt are refused', async () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    for (const atoms of [
      { someNewPlatformField: true },
      { timezone: 'Asia/Kolkata' },
      { globalPrompt: long },
    ]) {
      await expect(releaser.editDraft(AGENT, { providerOptions: { atoms } })).rejects.toBeInstanceOf(
        ValidationError,
      );
    }
  });
});
