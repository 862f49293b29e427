import { type AgentChanges, agentChangesSchema, release, ValidationError } from '@agent-release/core';
import { parseInput } from '@agent-release/core/provider';
import { InMemoryReleaser } from '@agent-release/core/testing';
import { describe, expect, it } from 'vitest';

// JSON.parse makes "__proto__" an own key (what a service receives over HTTP); an object literal's
// `__proto__:` sets the prototype instead. Both must be refused, not silently dropped.
const parsed = (json: string) => JSON.parse(json) as AgentChanges;

describe('reserved keys in changes', () => {
  it.each([
    ['{"providerOptions":{"memory":{"__proto__":{"tools":[]}}}}', 'changes.providerOptions.memory.__proto__'],
    ['{"providerOptions":{"memory":{"constructor":{"a":1}}}}', 'changes.providerOptions.memory.constructor'],
    ['{"providerOptions":{"memory":{"prototype":1}}}', 'changes.providerOptions.memory.prototype'],
    [
      '{"providerOptions":{"memory":{"tools":[{"name":"t","__proto__":{"x":1}}]}}}',
      'changes.providerOptions.memory.tools.0.__proto__',
    ],
    ['{"providerOptions":{"__proto__":{"a":1}}}', 'changes.providerOptions.__proto__'],
    ['{"instructions":"x","__proto__":{"model":"m"}}', 'changes.__proto__'],
    [
      '{"providerOptions":{"memory":{"a":{"b":{"c":{"constructor":"x"}}}}}}',
      'changes.providerOptions.memory.a.b.c.constructor',
    ],
  ])('%s is a ValidationError naming %s, before any request', async (json, path) => {
    const r = new InMemoryReleaser();
    const agentId = r.createAgent({ instructions: 'old' });
    const error = await release(r, agentId, parsed(json)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(path);
    expect((error as ValidationError).message).toContain(path);
    expect(r.requestCount).toBe(0);
    expect(r.versionIds(agentId)).toHaveLength(1);
  });

  it('an object literal whose __proto__ key set the prototype is refused too', async () => {
    const r = new InMemoryReleaser();
    const agentId = r.createAgent();
    const changes = { providerOptions: { memory: { __proto__: { tools: [] } } } } as unknown as AgentChanges;
    const error = await release(r, agentId, changes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('changes.providerOptions.memory');
    expect((error as ValidationError).message).toMatch(/__proto__/);
    expect(r.requestCount).toBe(0);
  });

  it('adapters that parse with agentChangesSchema refuse them as well', () => {
    expect(() =>
      parseInput(agentChangesSchema, parsed('{"providerOptions":{"x":{"k":[{"prototype":{}}]}}}'), 'changes'),
    ).toThrow(ValidationError);
  });

  it('ordinary keys that merely contain those words are fine', () => {
    const value = parseInput(
      agentChangesSchema,
      parsed('{"providerOptions":{"x":{"proto":1,"constructorName":"a","my_prototype":2}}}'),
      'changes',
    );
    expect(value.providerOptions?.x).toEqual({ proto: 1, constructorName: 'a', my_prototype: 2 });
  });
});
