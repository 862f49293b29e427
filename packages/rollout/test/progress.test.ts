import { inspect } from 'node:util';
import { ValidationError } from '@agent-release/core';
import { registerSecret } from '@agent-release/core/provider';
import { describe, expect, it } from 'vitest';
import { validatePlan } from '../src/plan.js';
import { ProgressTracker } from '../src/progress.js';
import { describeFailure, type TargetResult } from '../src/target-result.js';

const result = (index: number, outcome: TargetResult['outcome']): TargetResult => ({
  index,
  tenant: 't',
  agentId: `a${index}`,
  outcome,
  durationMs: 1,
});

describe('ProgressTracker', () => {
  const plan = validatePlan({
    id: 'p',
    changes: { model: 'm' },
    targets: Array.from({ length: 10 }, (_, i) => ({ tenant: 't', agentId: `a${i}` })),
    waves: [{ name: 'canary', count: 2 }],
  });

  it('counts per wave, ignores a repeated report, and derives rate and ETA from the times it is given', () => {
    const tracker = new ProgressTracker('p', plan.waves, 1_000);
    tracker.record(result(0, 'released'));
    tracker.record(result(1, 'failed'));
    tracker.record(result(1, 'released'));
    tracker.record(result(2, 'skipped'));
    tracker.record(result(3, 'unchanged'));
    const p = tracker.snapshot('running', 1, 3_000);
    expect(p.waves).toEqual([
      { name: 'canary', total: 2, done: 1, failed: 1, skipped: 0, remaining: 0 },
      { name: 'rest', total: 8, done: 1, failed: 0, skipped: 1, remaining: 6 },
    ]);
    // 3 targets worked (skipped ones are free) in 2 s: 1.5/s, 6 left: 4 s.
    expect(p.ratePerSec).toBe(1.5);
    expect(p.etaMs).toBe(4_000);
    expect(tracker.snapshot('running', 0, 1_000).etaMs).toBeUndefined();
  });
});

describe('describeFailure', () => {
  it('keeps code and message of library errors and redacts unknown ones, keys of any shape included', () => {
    const odd = 'k3y with spaces/and:colons==';
    registerSecret(odd);
    const shown = [
      describeFailure(new Error(`upstream said no to ${odd}`)),
      describeFailure(new Error('Authorization: Bearer abc.def-ghi')),
      describeFailure(`plain string with sk_live_123456789`),
      describeFailure(new ValidationError(`Invalid changes: ${odd}`)),
    ];
    expect(shown.map((s) => s.code)).toEqual(['UNKNOWN', 'UNKNOWN', 'UNKNOWN', 'VALIDATION']);
    const text = `${JSON.stringify(shown)}${inspect(shown)}`;
    for (const secret of [odd, 'abc.def-ghi', 'sk_live_123456789']) expect(text).not.toContain(secret);
  });
});
