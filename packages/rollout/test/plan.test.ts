import { inspect } from 'node:util';
import { ValidationError } from '@agent-release/core';
import { validatePlan } from '@agent-release/rollout';
import { describe, expect, it } from 'vitest';

const targets = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ tenant: `t${i % 3}`, agentId: `agent_${i}` }));

describe('validatePlan', () => {
  it('splits targets into consecutive waves, rounding shares up, leftovers in a final "rest" wave', () => {
    const { waves } = validatePlan({
      id: 'r1',
      changes: { instructions: 'x' },
      targets: targets(10),
      waves: [{ name: 'canary', share: 0.01 }, { share: 0.25 }, { count: 3 }],
    });
    expect(waves.map((w) => [w.name, w.targets.map((t) => t.index)])).toEqual([
      ['canary', [0]],
      ['wave-2', [1, 2, 3]],
      ['wave-3', [4, 5, 6]],
      ['rest', [7, 8, 9]],
    ]);
  });

  it('drops waves the earlier ones already emptied and puts everything in "all" without waves', () => {
    expect(
      validatePlan({
        id: 'r',
        changes: { model: 'm' },
        targets: targets(3),
        waves: [{ count: 5 }, { count: 1 }],
      }).waves.map((w) => [w.name, w.targets.length]),
    ).toEqual([['wave-1', 3]]);
    expect(
      validatePlan({ id: 'r', changes: { model: 'm' }, targets: targets(2) }).waves.map((w) => w.name),
    ).toEqual(['all']);
  });

  it("merges a target's own change over the shared one (its fields win; vendor options merge per provider)", () => {
    const { waves } = validatePlan({
      id: 'r',
      changes: { instructions: 'shared', model: 'm1', providerOptions: { atoms: { a: 1 } } },
      targets: [
        { tenant: 't', agentId: 'a', changes: { model: 'm2', providerOptions: { langdock: { b: 2 } } } },
      ],
    });
    expect(waves[0]?.targets[0]?.changes).toEqual({
      instructions: 'shared',
      model: 'm2',
      providerOptions: { atoms: { a: 1 }, langdock: { b: 2 } },
    });
  });

  it('defaults the failure budget to halting on the first failure', () => {
    expect(validatePlan({ id: 'r', changes: { model: 'm' }, targets: targets(1) }).budget).toEqual({
      maxFailures: 0,
      maxFailureRate: undefined,
    });
  });

  it('names the bad field in a ValidationError', () => {
    const attempt = () =>
      validatePlan({ id: 'r', targets: [{ tenant: 't', agentId: 'a b' }], changes: { model: 'm' } });
    expect(attempt).toThrow(ValidationError);
    try {
      attempt();
    } catch (error) {
      expect((error as ValidationError).field).toBe('plan.targets.0.agentId');
    }
  });

  it('does not echo an unknown key (which may be a secret) in the error', () => {
    for (const secret of ['k3y!of&any/shape', 'sk_live_abcdef123456', 'x'.repeat(64)]) {
      let caught: unknown;
      try {
        validatePlan({ id: 'r', targets: targets(1), changes: { model: 'm' }, [secret]: true });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ValidationError);
      const e = caught as ValidationError;
      expect(e.issues[0]?.message).toMatch(/does not know/);
      for (const text of [e.message, e.stack, JSON.stringify(e.toJSON()), inspect(e)]) {
        expect(text).not.toContain(secret);
      }
    }
  });
});
