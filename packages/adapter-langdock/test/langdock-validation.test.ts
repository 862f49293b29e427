import { type AgentChanges, release, ValidationError } from '@agent-release/core';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LANGDOCK_PUBLISH_DESCRIPTION_MAX } from '../src/index.js';
import { NEUTRAL_TO_LANGDOCK, toLangdockUpdate, toPublishDescription } from '../src/langdock-mapping.js';
import { AGENT, makeReleaser, rejectionOf } from './helpers.js';

// No interceptors at all in this file: any request would fail with NetConnectNotAllowedError.
beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  expect(nock.isDone()).toBe(true);
  nock.cleanAll();
});

function validationOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('toLangdockUpdate (the one neutral → Langdock mapping)', () => {
  it('names fields as the prose docs do', () => {
    expect(NEUTRAL_TO_LANGDOCK).toEqual({ instructions: 'instruction', model: 'model', firstMessage: null });
    expect(toLangdockUpdate({ instructions: 'Hi', model: 'gpt-4o' })).toEqual({
      instruction: 'Hi',
      model: 'gpt-4o',
    });
  });

  it('allows clearing: "" instruction/description and null emoji, [] arrays', () => {
    expect(
      toLangdockUpdate({
        instructions: '',
        providerOptions: {
          langdock: { description: '', emoji: null, conversationStarters: [], actions: [] },
        },
      }),
    ).toEqual({ instruction: '', description: '', emoji: null, conversationStarters: [], actions: [] });
  });

  it('returns {} when nothing is for Langdock', () => {
    expect(toLangdockUpdate({ providerOptions: { atoms: { voiceId: 'v' } } })).toEqual({});
    expect(toLangdockUpdate({ providerOptions: { langdock: {} } })).toEqual({});
  });

  it('rejects firstMessage, which Langdock cannot express', () => {
    const error = validationOf(() => toLangdockUpdate({ firstMessage: 'Hello!' }));
    expect(error.field).toBe('changes.firstMessage');
    expect(error.message).toMatch(/no first message/);
  });

  it('rejects both instructions and providerOptions.langdock.instruction', () => {
    const error = validationOf(() =>
      toLangdockUpdate({ instructions: 'a', providerOptions: { langdock: { instruction: 'b' } } }),
    );
    expect(error.field).toBe('changes.providerOptions.langdock.instruction');
    expect(error.message).toMatch(/give only one/);
  });

  const invalid: Array<[string, AgentChanges, string]> = [
    ['instructions > 40000', { instructions: 'x'.repeat(40_001) }, 'changes.instructions'],
    [
      'langdock.instruction > 40000',
      { providerOptions: { langdock: { instruction: 'x'.repeat(40_001) } } },
      'changes.providerOptions.langdock.instruction',
    ],
    ['name empty', { providerOptions: { langdock: { name: '' } } }, 'changes.providerOptions.langdock.name'],
    [
      'name > 80',
      { providerOptions: { langdock: { name: 'n'.repeat(81) } } },
      'changes.providerOptions.langdock.name',
    ],
    [
      'description > 500',
      { providerOptions: { langdock: { description: 'd'.repeat(501) } } },
      'changes.providerOptions.langdock.description',
    ],
    [
      'emoji > 16',
      { providerOptions: { langdock: { emoji: 'e'.repeat(17) } } },
      'changes.providerOptions.langdock.emoji',
    ],
    [
      'inputType',
      { providerOptions: { langdock: { inputType: 'FORM' as never } } },
      'changes.providerOptions.langdock.inputType',
    ],
    [
      'creativity > 1',
      { providerOptions: { langdock: { creativity: 1.5 } } },
      'changes.providerOptions.langdock.creativity',
    ],
    [
      'creativity < 0',
      { providerOptions: { langdock: { creativity: -0.1 } } },
      'changes.providerOptions.langdock.creativity',
    ],
    [
      '21 conversation starters',
      { providerOptions: { langdock: { conversationStarters: Array.from({ length: 21 }, () => 'hi') } } },
      'changes.providerOptions.langdock.conversationStarters',
    ],
    [
      'empty starter',
      { providerOptions: { langdock: { conversationStarters: [''] } } },
      'changes.providerOptions.langdock.conversationStarters.0',
    ],
    [
      'starter > 255',
      { providerOptions: { langdock: { conversationStarters: ['s'.repeat(256)] } } },
      'changes.providerOptions.langdock.conversationStarters.0',
    ],
    [
      'action without a UUID',
      { providerOptions: { langdock: { actions: [{ actionId: 'send-mail' }] } } },
      'changes.providerOptions.langdock.actions.0.actionId',
    ],
    [
      'input field without slug',
      { providerOptions: { langdock: { inputFields: [{ type: 'TEXT' } as never] } } },
      'changes.providerOptions.langdock.inputFields.0.slug',
    ],
    [
      'attachment not a UUID',
      { providerOptions: { langdock: { attachments: ['file.pdf'] } } },
      'changes.providerOptions.langdock.attachments.0',
    ],
    [
      'boolean as string',
      { providerOptions: { langdock: { webSearch: 'yes' as never } } },
      'changes.providerOptions.langdock.webSearch',
    ],
    [
      'unknown langdock key (OpenAPI name)',
      { providerOptions: { langdock: { temperature: 0.5 } as never } },
      'changes.providerOptions.langdock',
    ],
    ['unknown neutral key', { prompt: 'x' } as never, 'changes'],
    ['empty changes', {}, 'changes'],
  ];
  for (const [label, changes, field] of invalid) {
    it(`rejects ${label}`, () => {
      const error = validationOf(() => toLangdockUpdate(changes));
      expect(error.field).toBe(field);
      expect(error.provider).toBe('langdock');
    });
  }
});

describe('toPublishDescription (label / description policy)', () => {
  it('sends description as is, label when there is no description, nothing otherwise', () => {
    expect(toPublishDescription({ description: 'Tightened the prompt' })).toBe('Tightened the prompt');
    expect(toPublishDescription({ label: 'v2' })).toBe('v2');
    expect(toPublishDescription({})).toBeUndefined();
    expect(toPublishDescription({ description: 'd'.repeat(100) })).toHaveLength(100);
  });

  it('rejects a description over 100 characters naming the publish limit', () => {
    const error = validationOf(() =>
      toPublishDescription({ description: 'd'.repeat(LANGDOCK_PUBLISH_DESCRIPTION_MAX + 1) }),
    );
    expect(error.field).toBe('options.description');
    expect(error.message).toMatch(/publish change description is limited to 100/);
    expect(error.message).toMatch(/not the agent's 500-character description/);
  });

  it('rejects a label over 100 characters (it would be sent as the description)', () => {
    expect(validationOf(() => toPublishDescription({ label: 'l'.repeat(101) })).field).toBe('options.label');
  });

  it('rejects label together with description', () => {
    const error = validationOf(() => toPublishDescription({ label: 'v2', description: 'fix' }));
    expect(error.field).toBe('options.label');
    expect(error.message).toMatch(/single change description/);
  });
});

describe('validate() and release(): bad input sends nothing', () => {
  const bad: Array<[string, Parameters<typeof release>[2], Parameters<typeof release>[3]?, string?]> = [
    ['firstMessage', { firstMessage: 'Hello' }],
    ['both prompts', { instructions: 'a', providerOptions: { langdock: { instruction: 'b' } } }],
    ['description > 100', { instructions: 'a' }, { description: 'x'.repeat(101) }],
    ['label and description', { instructions: 'a' }, { label: 'v2', description: 'fix' }],
    ['label > 100', { instructions: 'a' }, { label: 'x'.repeat(101) }],
    ['another draft id', { instructions: 'a' }, { draftId: 'other' }],
    ['non-UUID agent', { instructions: 'a' }, undefined, 'agent_1'],
  ];
  for (const [label, changes, options, agentId] of bad) {
    it(`release() rejects ${label} before any request`, async () => {
      const { releaser } = makeReleaser();
      const error = await rejectionOf(release(releaser, agentId ?? AGENT, changes, options));
      expect(error).toBeInstanceOf(ValidationError);
      expect(() =>
        releaser.validate({
          agentId: agentId ?? AGENT,
          changes,
          label: options?.label,
          description: options?.description,
          draftId: options?.draftId,
        }),
      ).toThrow(ValidationError);
    });
  }

  it('accepts the implicit draft id and a valid input', () => {
    const { releaser } = makeReleaser();
    expect(() =>
      releaser.validate({
        agentId: AGENT,
        changes: { instructions: 'a' },
        description: 'fix',
        draftId: 'draft',
      }),
    ).not.toThrow();
  });

  it('editDraft and activate validate their ids before any request', async () => {
    const { releaser } = makeReleaser();
    await expect(releaser.editDraft('not-a-uuid', { instructions: 'a' })).rejects.toThrow(ValidationError);
    await expect(releaser.editDraft(AGENT, { instructions: 'a' }, { draftId: 'd2' })).rejects.toThrow(
      ValidationError,
    );
    await expect(releaser.activate('../x', 'v')).rejects.toThrow(ValidationError);
    await expect(releaser.activate(AGENT, '../v')).rejects.toThrow(ValidationError);
  });

  it('an aborted signal stops editDraft even when nothing would be sent', async () => {
    const { releaser } = makeReleaser();
    const controller = new AbortController();
    controller.abort();
    await expect(
      releaser.editDraft(AGENT, { providerOptions: { atoms: {} } }, { signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
