import {
  AbortedError,
  type AgentReleaser,
  ConflictError,
  type ReleaseEvent,
  release,
  SecurityCheckFailedError,
  ValidationError,
} from '@agent-release/core';
import { InMemoryReleaser, ManualClock } from '@agent-release/core/testing';
import { describe, expect, it } from 'vitest';

describe('release()', () => {
  it('runs validate → edit → publish → activate → confirm and reports each step', async () => {
    const r = new InMemoryReleaser();
    const agentId = r.createAgent({ instructions: 'old' });
    const events: ReleaseEvent[] = [];
    const result = await release(
      r,
      agentId,
      { instructions: 'new' },
      { observer: (e) => events.push(e), label: 'L' },
    );
    expect(result.status).toBe('released');
    expect(result.version).toMatchObject({ isActive: true, number: 2, label: 'L' });
    expect(r.activeConfig(agentId)?.instructions).toBe('new');
    expect(result.steps.map((s) => [s.name, s.status])).toEqual([
      ['validate', 'ok'],
      ['edit-draft', 'ok'],
      ['publish', 'ok'],
      ['activate', 'ok'],
      ['confirm', 'ok'],
    ]);
    expect(events[0]?.type).toBe('release-start');
    expect(events.at(-1)?.type).toBe('release-end');
    expect(events.filter((e) => e.type === 'step-start')).toHaveLength(5);
    expect(result.steps.find((s) => s.name === 'publish')?.detail).toContain('not yet live');
    const gate = events.find((e) => e.type === 'gate-progress');
    expect(gate && gate.type === 'gate-progress' && gate.progress).toMatchObject({
      status: 'passed',
      attempt: 1,
    });
  });

  it('skips activate when publishing made the version live', async () => {
    const r = new InMemoryReleaser({ activation: 'on-publish' });
    const agentId = r.createAgent();
    const result = await release(r, agentId, { instructions: 'x' });
    expect(result.steps.find((s) => s.name === 'activate')).toMatchObject({
      status: 'skipped',
      detail: 'live on publish',
    });
  });

  it('returns unchanged and creates no version when nothing differs', async () => {
    const r = new InMemoryReleaser();
    const agentId = r.createAgent({ instructions: 'same' });
    const result = await release(r, agentId, { instructions: 'same' });
    expect(result).toMatchObject({ status: 'unchanged', unchangedReason: 'no-changes' });
    expect(result.version).toBeUndefined();
    expect(r.versionIds(agentId)).toHaveLength(1);
  });

  it('activate:false publishes but leaves the live version alone', async () => {
    const r = new InMemoryReleaser();
    const agentId = r.createAgent({ instructions: 'old' });
    const result = await release(r, agentId, { instructions: 'new' }, { activate: false });
    expect(result.version?.isActive).toBe(false);
    expect(r.activeConfig(agentId)?.instructions).toBe('old');
    expect(result.steps.find((s) => s.name === 'activate')?.status).toBe('skipped');
  });

  it('validates everything before the first call', async () => {
    const r = new InMemoryReleaser();
    const agentId = r.createAgent();
    const bad: Array<[string, () => Promise<unknown>]> = [
      ['empty changes', () => release(r, agentId, {})],
      ['unknown field', () => release(r, agentId, { nope: 1 } as never)],
      ['bad agent id', () => release(r, '../etc', { instructions: 'x' })],
      ['bad label type', () => release(r, agentId, { instructions: 'x' }, { label: 5 as never })],
      ['bad maxWaitMs', () => release(r, agentId, { instructions: 'x' }, { maxWaitMs: -1 })],
    ];
    for (const [label, run] of bad) {
      const error = await run().catch((e: unknown) => e);
      expect(error, label).toBeInstanceOf(ValidationError);
    }
    expect(r.requestCount).toBe(0);
    const error = (await release(r, agentId, { model: '' }).catch((e: unknown) => e)) as ValidationError;
    expect(error.field).toBe('changes.model');
  });

  it('surfaces the provider error and records the failed step', async () => {
    const r = new InMemoryReleaser({ failGate: true });
    const agentId = r.createAgent();
    const events: ReleaseEvent[] = [];
    await expect(
      release(r, agentId, { instructions: 'x' }, { observer: (e) => events.push(e) }),
    ).rejects.toBeInstanceOf(SecurityCheckFailedError);
    const end = events.find((e) => e.type === 'release-error');
    expect(end && end.type === 'release-error' && end.steps.at(-1)).toMatchObject({
      name: 'activate',
      status: 'failed',
    });
  });

  it('a throwing observer does not break the release', async () => {
    const r = new InMemoryReleaser();
    const agentId = r.createAgent();
    const result = await release(
      r,
      agentId,
      { instructions: 'x' },
      {
        observer: () => {
          throw new Error('observer bug');
        },
      },
    );
    expect(result.status).toBe('released');
  });

  it('honours abort between steps', async () => {
    const r = new InMemoryReleaser();
    const agentId = r.createAgent({ instructions: 'old' });
    const controller = new AbortController();
    await expect(
      release(
        r,
        agentId,
        { instructions: 'new' },
        {
          signal: controller.signal,
          observer: (e) => {
            if (e.type === 'step-end' && e.step.name === 'publish') controller.abort();
          },
        },
      ),
    ).rejects.toBeInstanceOf(AbortedError);
    expect(r.activeConfig(agentId)?.instructions).toBe('old');
  });

  it('detects another writer changing the live version before confirmation', async () => {
    const r = new InMemoryReleaser();
    const agentId = r.createAgent();
    const other = r.versionIds(agentId)[0]!;
    const sneaky: AgentReleaser = {
      provider: r.provider,
      capabilities: r.capabilities,
      editDraft: (...a) => r.editDraft(...a),
      publish: (...a) => r.publish(...a),
      activate: async (...a) => {
        const v = await r.activate(...a);
        await r.activate(agentId, other);
        return v;
      },
      getActiveVersion: (...a) => r.getActiveVersion(...a),
    };
    await expect(release(sneaky, agentId, { instructions: 'x' })).rejects.toBeInstanceOf(ConflictError);
  });

  it('serialises releases of the same agent and lets different agents run together', async () => {
    const r = new InMemoryReleaser();
    const a = r.createAgent();
    const b = r.createAgent();
    let running = 0;
    let maxRunningSameAgent = 0;
    const seen: string[] = [];
    const slow: AgentReleaser = {
      provider: r.provider,
      capabilities: r.capabilities,
      editDraft: async (agentId, changes, opts) => {
        if (agentId === a) {
          running++;
          maxRunningSameAgent = Math.max(maxRunningSameAgent, running);
        }
        seen.push(`edit ${agentId} ${changes.instructions}`);
        await new Promise((resolve) => setTimeout(resolve, 15));
        return r.editDraft(agentId, changes, opts);
      },
      publish: (...x) => r.publish(...x),
      activate: async (agentId, versionId, opts) => {
        const v = await r.activate(agentId, versionId, opts);
        if (agentId === a) running--;
        return v;
      },
      getActiveVersion: (...x) => r.getActiveVersion(...x),
    };
    const results = await Promise.all([
      release(slow, a, { instructions: 'one' }),
      release(slow, a, { instructions: 'two' }),
      release(slow, b, { instructions: 'three' }),
      release(slow, a, { instructions: 'three' }),
    ]);
    expect(maxRunningSameAgent).toBe(1);
    expect(results.map((x) => x.status)).toEqual(['released', 'released', 'released', 'released']);
    expect(r.versionIds(a)).toHaveLength(4);
    expect(r.activeConfig(a)?.instructions).toBe('three');
    // Agent b's release did not wait behind agent a's queue.
    expect(seen.indexOf(`edit ${b} three`)).toBeLessThan(seen.indexOf(`edit ${a} two`));
  });

  it('measures durations with the injected clock', async () => {
    const clock = new ManualClock();
    const r = new InMemoryReleaser();
    const agentId = r.createAgent();
    const result = await release(r, agentId, { instructions: 'x' }, { clock });
    expect(result.durationMs).toBe(0);
    expect(result.steps.every((s) => s.startedAt === clock.now())).toBe(true);
  });

  it('takes its edits back out of the draft when it stops before publishing', async () => {
    const r = new InMemoryReleaser();
    const agentId = r.createAgent({ instructions: 'old' });
    const controller = new AbortController();
    const error = await release(
      r,
      agentId,
      { instructions: 'new' },
      {
        signal: controller.signal,
        observer: (e) => {
          if (e.type === 'step-end' && e.step.name === 'edit-draft') controller.abort();
        },
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect(r.draftIds(agentId)).toEqual([]);
    expect(r.versionIds(agentId)).toHaveLength(1);
    expect(r.activeConfig(agentId)?.instructions).toBe('old');
  });
});
