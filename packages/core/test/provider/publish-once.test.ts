import { ConflictError, ProviderUnavailableError } from '@agent-release/core';
import { type PublishOnceSteps, publishExactlyOnce, type Reconciled } from '@agent-release/core/provider';
import { describe, expect, it } from 'vitest';

const lost = () => new ProviderUnavailableError('lost', { mayHaveTakenEffect: true });
const refused = () => new ProviderUnavailableError('refused', { mayHaveTakenEffect: false });

function steps(sends: Array<string | Error>, reconciles: Array<Reconciled<string> | Error>) {
  const log: string[] = [];
  const s: PublishOnceSteps<string> = {
    async send(attempt) {
      log.push(`send${attempt}`);
      const next = sends.shift()!;
      if (next instanceof Error) throw next;
      return next;
    },
    mayHaveApplied: (error) => error instanceof ProviderUnavailableError && error.mayHaveTakenEffect,
    async reconcile(_cause, attempt) {
      log.push(`reconcile${attempt}`);
      const next = reconciles.shift()!;
      if (next instanceof Error) throw next;
      return next;
    },
  };
  return { s, log };
}

describe('publishExactlyOnce', () => {
  it('returns a direct answer without reconciling', async () => {
    const { s, log } = steps(['v1'], []);
    expect(await publishExactlyOnce(s)).toEqual({ value: 'v1', how: 'direct' });
    expect(log).toEqual(['send1']);
  });

  it('throws an error that cannot have been applied without reconciling', async () => {
    const error = refused();
    const { s, log } = steps([error], []);
    await expect(publishExactlyOnce(s)).rejects.toBe(error);
    expect(log).toEqual(['send1']);
  });

  it('does not re-send when reconciliation finds the first publish applied', async () => {
    const { s, log } = steps([lost()], [{ kind: 'applied', value: 'v1' }]);
    expect(await publishExactlyOnce(s)).toEqual({ value: 'v1', how: 'reconciled' });
    expect(log).toEqual(['send1', 'reconcile1']);
  });

  it('re-sends once when nothing was applied', async () => {
    const { s, log } = steps([lost(), 'v1'], [{ kind: 'not-applied' }]);
    expect(await publishExactlyOnce(s)).toEqual({ value: 'v1', how: 'resent' });
    expect(log).toEqual(['send1', 'reconcile1', 'send2']);
  });

  it('never sends a third time: reconciles the lost re-send and else fails with its error', async () => {
    const second = lost();
    const { s, log } = steps([lost(), second], [{ kind: 'not-applied' }, { kind: 'not-applied' }]);
    await expect(publishExactlyOnce(s)).rejects.toBe(second);
    expect(log).toEqual(['send1', 'reconcile1', 'send2', 'reconcile2']);

    const found = steps([lost(), lost()], [{ kind: 'not-applied' }, { kind: 'applied', value: 'v1' }]);
    expect(await publishExactlyOnce(found.s)).toEqual({ value: 'v1', how: 'reconciled' });
  });

  it('passes on what reconciliation throws (e.g. the draft is gone)', async () => {
    const gone = new ConflictError('gone');
    const { s } = steps([lost()], [gone]);
    await expect(publishExactlyOnce(s)).rejects.toBe(gone);
  });
});
