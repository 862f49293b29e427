/**
 * The shared releaser conformance suite. Its own entry, `@agent-release/core/testing/conformance`,
 * because it imports vitest: `@agent-release/core/testing` stays usable without a test runner.
 * @packageDocumentation
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentChanges } from '../changes.js';
import { AbortedError, isAgentReleaseError, NotFoundError, ValidationError } from '../errors.js';
import type { AgentReleaser } from '../port.js';
import { release } from '../release.js';

/**
 * What an adapter hands the conformance suite: a releaser wired to a backend (its emulator) and
 * a window into that backend, so the suite asserts effects rather than return values alone.
 */
export interface ConformanceHarness {
  releaser: AgentReleaser;
  /** Creates an agent that has a live version, directly in the backend. Returns its id. */
  createAgent(): Promise<string>;
  /** Requests the backend has received so far (from its request log). */
  requestCount(): number;
  /** Published version ids of an agent, from backend state. */
  versionIds(agentId: string): Promise<string[]>;
  /** The live version id, from backend state (`undefined` when it cannot be told). */
  activeVersionId(agentId: string): Promise<string | undefined>;
  /** The live instructions, from backend state. */
  activeInstructions(agentId: string): Promise<string | undefined>;
  /** A well-formed agent id that does not exist. */
  unknownAgentId: string;
  /** Changes that are invalid for this provider only (must throw ValidationError, send nothing). */
  providerInvalidChanges?: AgentChanges[];
  /** Upper bound for waiting on a publish gate in this backend. */
  maxWaitMs?: number;
  /** Frees the backend. */
  close(): Promise<void>;
}

let counter = 0;
/** A change that differs from every earlier one in this process. */
function freshChanges(): AgentChanges {
  counter += 1;
  return { instructions: `You are a helpful agent. Conformance revision ${counter}-${Date.now()}.` };
}

/**
 * The shared suite every adapter runs against its emulator: adding a vendor means implementing
 * the port and passing this. Runs under vitest.
 *
 * @example describeReleaserConformance('atoms (emulator)', async () => ({ releaser, createAgent, ... }))
 */
export function describeReleaserConformance(name: string, setup: () => Promise<ConformanceHarness>): void {
  describe(`AgentReleaser conformance: ${name}`, () => {
    let h: ConformanceHarness;
    beforeAll(async () => {
      h = await setup();
    });
    afterAll(async () => {
      await h?.close();
    });

    it('declares consistent capabilities', () => {
      const c = h.releaser.capabilities;
      expect(typeof h.releaser.provider).toBe('string');
      expect(['explicit', 'on-publish']).toContain(c.activation);
      expect(['none', 'security-check']).toContain(c.publishGate);
      expect(['one', 'many']).toContain(c.drafts);
      expect(['reactivate', 'republish', 'none']).toContain(c.rollback);
      if (c.rollback === 'reactivate') expect(c.activation).toBe('explicit');
    });

    it('releases a change: one new version, live, with the new instructions', async () => {
      const agentId = await h.createAgent();
      const before = await h.versionIds(agentId);
      const changes = freshChanges();
      const result = await release(h.releaser, agentId, changes, { maxWaitMs: h.maxWaitMs });
      expect(result.status).toBe('released');
      expect(result.provider).toBe(h.releaser.provider);
      expect(result.version?.isActive).toBe(true);
      const after = await h.versionIds(agentId);
      expect(after.length).toBe(before.length + 1);
      expect(after).toContain(result.version?.id);
      expect(await h.activeInstructions(agentId)).toBe(changes.instructions);
      const activeId = await h.activeVersionId(agentId);
      if (activeId !== undefined) expect(activeId).toBe(result.version?.id);
      expect(result.steps.map((s) => s.name)).toEqual([
        'validate',
        'edit-draft',
        'publish',
        'activate',
        'confirm',
      ]);
    });

    it('releasing the same change twice gives unchanged and creates no version', async () => {
      const agentId = await h.createAgent();
      const changes = freshChanges();
      const first = await release(h.releaser, agentId, changes, { maxWaitMs: h.maxWaitMs });
      expect(first.status).toBe('released');
      const versions = await h.versionIds(agentId);
      const second = await release(h.releaser, agentId, changes, { maxWaitMs: h.maxWaitMs });
      expect(second.status).toBe('unchanged');
      expect(second.version).toBeUndefined();
      expect(await h.versionIds(agentId)).toEqual(versions);
      expect(await h.activeInstructions(agentId)).toBe(changes.instructions);
    });

    it('publish and activate follow the declared activation capability', async () => {
      const agentId = await h.createAgent();
      const liveBefore = await h.activeInstructions(agentId);
      const changes = freshChanges();
      const draft = await h.releaser.editDraft(agentId, changes);
      expect(draft.agentId).toBe(agentId);
      expect(draft.provider).toBe(h.releaser.provider);
      const outcome = await h.releaser.publish(draft);
      expect(outcome.status).toBe('published');
      if (outcome.status !== 'published') return;
      if (h.releaser.capabilities.activation === 'on-publish') {
        expect(outcome.version.isActive).toBe(true);
        expect(await h.activeInstructions(agentId)).toBe(changes.instructions);
        // Activating what publish made live is a no-op that sends nothing.
        const count = h.requestCount();
        const same = await h.releaser.activate(agentId, outcome.version.id);
        expect(same.id).toBe(outcome.version.id);
        expect(h.requestCount()).toBe(count);
      } else {
        expect(outcome.version.isActive).toBe(false);
        expect(await h.activeInstructions(agentId)).toBe(liveBefore);
        const active = await h.releaser.activate(agentId, outcome.version.id, { maxWaitMs: h.maxWaitMs });
        expect(active.isActive).toBe(true);
        expect(await h.activeInstructions(agentId)).toBe(changes.instructions);
        // Idempotent: activating the live version again succeeds and changes nothing.
        const again = await h.releaser.activate(agentId, outcome.version.id, { maxWaitMs: h.maxWaitMs });
        expect(again.id).toBe(outcome.version.id);
      }
      if (h.releaser.capabilities.confirmsActiveVersion) {
        const live = await h.releaser.getActiveVersion(agentId);
        expect(live?.id).toBe(outcome.version.id);
        expect(live?.isActive).toBe(true);
      }
    });

    it('activate:false publishes without going live where activation is explicit', async () => {
      const agentId = await h.createAgent();
      const liveBefore = await h.activeInstructions(agentId);
      const changes = freshChanges();
      const result = await release(h.releaser, agentId, changes, { activate: false, maxWaitMs: h.maxWaitMs });
      expect(result.status).toBe('released');
      if (h.releaser.capabilities.activation === 'explicit') {
        expect(result.version?.isActive).toBe(false);
        expect(await h.activeInstructions(agentId)).toBe(liveBefore);
      } else {
        expect(result.version?.isActive).toBe(true);
      }
    });

    it('rejects bad input with a ValidationError and sends no request', async () => {
      const agentId = await h.createAgent();
      const bad: Array<[string, AgentChanges]> = [
        ['empty', {}],
        ['wrong type', { instructions: 42 } as unknown as AgentChanges],
        ['unknown field', { prompt: 'x' } as unknown as AgentChanges],
        ['empty model', { model: '' }],
        ...(h.providerInvalidChanges ?? []).map(
          (c, i) => [`provider-specific #${i}`, c] as [string, AgentChanges],
        ),
      ];
      for (const [label, changes] of bad) {
        const count = h.requestCount();
        const error = await release(h.releaser, agentId, changes).catch((e: unknown) => e);
        expect(error, label).toBeInstanceOf(ValidationError);
        expect(h.requestCount(), `${label}: requests sent`).toBe(count);
        const direct = await h.releaser.editDraft(agentId, changes).catch((e: unknown) => e);
        expect(direct, `${label} (editDraft)`).toBeInstanceOf(ValidationError);
        expect(h.requestCount(), `${label}: requests sent by editDraft`).toBe(count);
      }
      for (const badId of ['', '../x', 'a/b', 'a b']) {
        const count = h.requestCount();
        await expect(release(h.releaser, badId, freshChanges())).rejects.toBeInstanceOf(ValidationError);
        await expect(h.releaser.getActiveVersion(badId)).rejects.toBeInstanceOf(ValidationError);
        expect(h.requestCount()).toBe(count);
      }
    });

    it('honours an aborted signal before sending anything', async () => {
      const agentId = await h.createAgent();
      const count = h.requestCount();
      const controller = new AbortController();
      controller.abort();
      await expect(
        release(h.releaser, agentId, freshChanges(), { signal: controller.signal }),
      ).rejects.toBeInstanceOf(AbortedError);
      expect(h.requestCount()).toBe(count);
    });

    it('honours an abort during the release and leaves the live version unchanged', async () => {
      const agentId = await h.createAgent();
      const liveBefore = await h.activeInstructions(agentId);
      const controller = new AbortController();
      const error = await release(h.releaser, agentId, freshChanges(), {
        signal: controller.signal,
        observer: (e) => {
          if (e.type === 'step-start' && e.step === 'publish') controller.abort();
        },
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AbortedError);
      expect(await h.activeInstructions(agentId)).toBe(liveBefore);
    });

    it('maps an unknown agent to NotFoundError', async () => {
      const error = await h.releaser.getActiveVersion(h.unknownAgentId).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(isAgentReleaseError(error) && error.provider).toBe(h.releaser.provider);
      await expect(release(h.releaser, h.unknownAgentId, freshChanges())).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });
  });
}
