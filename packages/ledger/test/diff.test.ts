import { diffEntries, diffSnapshots } from '@agent-release/ledger';
import { describe, expect, it } from 'vitest';

describe('diffSnapshots', () => {
  it('lists changed, added and removed fields by dotted path, sorted', () => {
    expect(
      diffSnapshots(
        { instructions: 'old', model: 'm1', providerOptions: { atoms: { voiceId: 'a', speed: 1 } } },
        { instructions: 'new', firstMessage: 'hi', providerOptions: { atoms: { voiceId: 'b', speed: 1 } } },
      ),
    ).toEqual([
      { path: 'firstMessage', before: undefined, after: 'hi' },
      { path: 'instructions', before: 'old', after: 'new' },
      { path: 'model', before: 'm1', after: undefined },
      { path: 'providerOptions.atoms.voiceId', before: 'a', after: 'b' },
    ]);
  });

  it('reports a newly set vendor option field by field, and arrays as a whole', () => {
    expect(
      diffSnapshots({}, { providerOptions: { langdock: { actions: ['x'], temperature: 0.2 } } }),
    ).toEqual([
      { path: 'providerOptions.langdock.actions', before: undefined, after: ['x'] },
      { path: 'providerOptions.langdock.temperature', before: undefined, after: 0.2 },
    ]);
    expect(
      diffSnapshots(
        { providerOptions: { langdock: { actions: ['x', 'y'] } } },
        { providerOptions: { langdock: { actions: ['x', 'y'] } } },
      ),
    ).toEqual([]);
  });

  it('treats a missing snapshot as empty', () => {
    expect(diffSnapshots(undefined, null)).toEqual([]);
    expect(diffSnapshots(undefined, { model: 'm' })).toEqual([
      { path: 'model', before: undefined, after: 'm' },
    ]);
  });
});

describe('diffEntries', () => {
  const first = { snapshotBefore: { instructions: 'v0' }, snapshotAfter: { instructions: 'v1' } };
  const second = { snapshotBefore: { instructions: 'v1' }, snapshotAfter: { instructions: 'v2' } };

  it('compares what two entries left live', () => {
    expect(diffEntries(first, second)).toEqual([{ path: 'instructions', before: 'v1', after: 'v2' }]);
  });

  it('compares what two entries found live, on request', () => {
    expect(diffEntries(first, second, { side: 'before' })).toEqual([
      { path: 'instructions', before: 'v0', after: 'v1' },
    ]);
  });
});
