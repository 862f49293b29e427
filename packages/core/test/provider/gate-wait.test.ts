import {
  AbortedError,
  ProviderUnavailableError,
  SecurityCheckFailedError,
  SecurityCheckTimeoutError,
} from '@agent-release/core';
import type { PollResult } from '@agent-release/core/provider';
import { type GateStop, gateProgressReporter, waitForGate } from '@agent-release/core/provider';
import { ManualClock } from '@agent-release/core/testing';
import { describe, expect, it } from 'vitest';

const subject = { provider: 'acme', operation: 'activate', what: 'version v9', versionId: 'v9' };

function script(...steps: Array<PollResult<string> | Error>) {
  let i = 0;
  return async () => {
    const step = steps[Math.min(i++, steps.length - 1)]!;
    if (step instanceof Error) throw step;
    return step;
  };
}

const opts = (clock = new ManualClock()) => ({
  minDelayMs: 100,
  maxDelayMs: 100,
  maxWaitMs: 1000,
  clock,
  random: () => 0,
  subject,
  statusOf: (v: string | undefined) => v,
});

describe('waitForGate', () => {
  it('returns the value on success', async () => {
    const passed = await waitForGate(
      script({ state: 'retry', value: 'queued' }, { state: 'success', value: 'ok' }),
      opts(),
    );
    expect(passed).toMatchObject({ value: 'ok', attempts: 2 });
  });

  it('maps failure to SecurityCheckFailedError with the vendor status and reason', async () => {
    const error = await waitForGate(
      script({ state: 'failure', value: 'rejected', reason: 'prompt injection' }),
      opts(),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecurityCheckFailedError);
    expect(error).toMatchObject({
      versionId: 'v9',
      checkStatus: 'rejected',
      reason: 'prompt injection',
      provider: 'acme',
    });
  });

  it('maps the deadline to SecurityCheckTimeoutError with the last status and the wait', async () => {
    const error = await waitForGate(script({ state: 'retry', value: 'queued' }), opts()).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SecurityCheckTimeoutError);
    expect(error).toMatchObject({ lastStatus: 'queued', waitedMs: 1000, versionId: 'v9' });
  });

  it('maps an abort to AbortedError', async () => {
    const controller = new AbortController();
    let n = 0;
    const poll = async () => {
      if (++n === 2) controller.abort();
      return { state: 'retry', value: 'queued' } as PollResult<string>;
    };
    const error = await waitForGate(poll, { ...opts(), signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
  });

  it('hands a failed poll to settle instead of passing it through', async () => {
    const seen: GateStop<string>[] = [];
    const lost = new ProviderUnavailableError('acme getVersion: 500');
    const passed = await waitForGate(script({ state: 'retry', value: 'queued' }, lost), {
      ...opts(),
      settle: async (stop) => {
        seen.push(stop);
        return 'committed after all';
      },
    });
    expect(passed.value).toBe('committed after all');
    expect(seen).toEqual([
      expect.objectContaining({ kind: 'poll-error', error: lost, value: 'queued', attempts: 2 }),
    ]);
  });

  it('lets settle replace the error it would throw, or keep the standard one', async () => {
    const truer = new Error('cancelled first');
    await expect(
      waitForGate(script({ state: 'retry', value: 'queued' }), {
        ...opts(),
        settle: async () => {
          throw truer;
        },
      }),
    ).rejects.toBe(truer);
    await expect(
      waitForGate(script({ state: 'retry', value: 'queued' }), { ...opts(), settle: async () => undefined }),
    ).rejects.toBeInstanceOf(SecurityCheckTimeoutError);
  });

  it('without settle a failed poll propagates unchanged', async () => {
    const lost = new ProviderUnavailableError('acme getVersion: 500');
    await expect(waitForGate(script(lost), opts())).rejects.toBe(lost);
  });

  it('tells settle about an abort before mapping it', async () => {
    const controller = new AbortController();
    controller.abort();
    const kinds: string[] = [];
    const error = await waitForGate(script({ state: 'retry' }), {
      ...opts(),
      signal: controller.signal,
      settle: async (stop) => {
        kinds.push(stop.kind);
        return undefined;
      },
    }).catch((e: unknown) => e);
    expect(kinds).toEqual(['aborted']);
    expect(error).toBeInstanceOf(AbortedError);
  });
});

describe('gateProgressReporter', () => {
  it('reports attempt and elapsed time and swallows a throwing listener', () => {
    const clock = new ManualClock();
    const seen: unknown[] = [];
    const report = gateProgressReporter((p) => seen.push(p), clock);
    clock.advance(250);
    report(2, { status: 'pending', raw: 'queued' });
    expect(seen).toEqual([{ status: 'pending', raw: 'queued', attempt: 2, elapsedMs: 250 }]);
    const throwing = gateProgressReporter(() => {
      throw new Error('listener bug');
    }, clock);
    expect(() => throwing(1, { status: 'passed' })).not.toThrow();
  });
});

describe('waitForGate schedule', () => {
  it('sleeps the scheduled delays, within the deadline, and falls back to the backoff', async () => {
    const clock = new ManualClock();
    const delays = [5000, undefined, 200];
    await waitForGate(
      script(
        { state: 'retry', value: 'queued' },
        { state: 'retry', value: 'queued' },
        { state: 'retry', value: 'queued' },
        { state: 'success', value: 'ok' },
      ),
      { ...opts(clock), maxWaitMs: 10_000, schedule: (attempt) => delays[attempt - 1] },
    );
    expect(clock.sleeps.filter((ms) => ms > 0)).toEqual([5000, 100, 200]);
  });

  it('never sleeps past the deadline', async () => {
    const clock = new ManualClock();
    const error = await waitForGate(script({ state: 'retry', value: 'queued' }), {
      ...opts(clock),
      maxWaitMs: 1000,
      schedule: () => 5000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecurityCheckTimeoutError);
    expect(clock.sleeps.filter((ms) => ms > 0)).toEqual([1000]);
  });
});
