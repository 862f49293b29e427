import { type AgentChanges, UnexpectedResponseError, ValidationError } from '@agent-release/core';
import { describe, expect, it } from 'vitest';
import { type AtomsProviderOptions, atomsProviderOptionsSchema, createAtomsReleaser } from '../src/index.js';
import { parseAtomsChanges, toDraftConfigBody } from '../src/shared/changes.js';
import { toVersionInfo } from '../src/v1/mapping.js';
import { KEY } from './fixtures.js';

const endCall = { type: 'end_call', name: 'end_call', description: 'Ends the call' } as const;
const transfer = {
  type: 'transfer_call',
  name: 'transfer',
  description: 'To a human',
  transferNumber: '+14155550123',
  transferOption: { type: 'warm_transfer', privateHandoffOption: { type: 'prompt', prompt: 'Summarise' } },
  detectionTimeout: 30,
} as const;
const apiCall = {
  type: 'api_call',
  name: 'lookup',
  description: 'Looks up an order',
  url: 'https://example.com/orders/{{id}}',
  method: 'GET',
  timeout: 5000,
  llmParameters: [{ name: 'kind', description: 'k', type: 'enum', values: ['a', 'b'] }],
} as const;
const extract = {
  type: 'extract_dynamic_variables',
  name: 'extract',
  description: 'x',
  variablesExtractionSchema: [{ name: 'email', description: 'the email', type: 'text' }],
} as const;
const kb = { type: 'knowledge_base_search', name: 'kb', description: 'x', knowledgeBaseId: 'kb_1' } as const;

/** Parses `providerOptions.atoms`, returning the first issue path or 'ok'. */
function check(atoms: Record<string, unknown>): string {
  try {
    parseAtomsChanges({ providerOptions: { atoms } });
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).field ?? '(none)';
  }
}

const spc = (tools: unknown[]) => ({ singlePromptConfig: { prompt: 'p', tools } });
const O = 'changes.providerOptions.atoms';

describe('providerOptions.atoms schema (DraftConfigRequest)', () => {
  it('accepts every tool type in a valid shape, keeping unknown tool fields', () => {
    const options = { singlePromptConfig: { prompt: 'p', tools: [endCall, transfer, apiCall, extract, kb] } };
    expect(check(options)).toBe('ok');
    const parsed = atomsProviderOptionsSchema.parse({
      singlePromptConfig: { prompt: 'p', tools: [{ ...endCall, _id: 't1' }] },
    });
    expect(parsed.singlePromptConfig?.tools?.[0]).toEqual({ ...endCall, _id: 't1' });
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'tool name with a space',
      spc([{ ...endCall, name: 'end call' }]),
      `${O}.singlePromptConfig.tools.0.name`,
    ],
    ['unknown tool type', spc([{ ...endCall, type: 'sms' }]), `${O}.singlePromptConfig.tools.0.type`],
    [
      'tool without description',
      spc([{ type: 'end_call', name: 'x' }]),
      `${O}.singlePromptConfig.tools.0.description`,
    ],
    [
      'transfer without E.164 number',
      spc([{ ...transfer, transferNumber: '4155550123' }]),
      `${O}.singlePromptConfig.tools.0.transferNumber`,
    ],
    [
      'transfer without transferOption',
      spc([{ ...transfer, transferOption: undefined }]),
      `${O}.singlePromptConfig.tools.0.transferOption`,
    ],
    [
      'transfer detectionTimeout 4',
      spc([{ ...transfer, detectionTimeout: 4 }]),
      `${O}.singlePromptConfig.tools.0.detectionTimeout`,
    ],
    [
      'transfer detectionTimeout 61',
      spc([{ ...transfer, detectionTimeout: 61 }]),
      `${O}.singlePromptConfig.tools.0.detectionTimeout`,
    ],
    ['api_call without url', spc([{ ...apiCall, url: undefined }]), `${O}.singlePromptConfig.tools.0.url`],
    [
      'api_call with a non-http url',
      spc([{ ...apiCall, url: 'ftp://x' }]),
      `${O}.singlePromptConfig.tools.0.url`,
    ],
    [
      'api_call without method',
      spc([{ ...apiCall, method: undefined }]),
      `${O}.singlePromptConfig.tools.0.method`,
    ],
    ['api_call timeout 999', spc([{ ...apiCall, timeout: 999 }]), `${O}.singlePromptConfig.tools.0.timeout`],
    [
      'api_call timeout 30001',
      spc([{ ...apiCall, timeout: 30001 }]),
      `${O}.singlePromptConfig.tools.0.timeout`,
    ],
    [
      'api_call enum parameter without values',
      spc([{ ...apiCall, llmParameters: [{ name: 'k', description: 'd', type: 'enum' }] }]),
      `${O}.singlePromptConfig.tools.0.llmParameters.0.values`,
    ],
    [
      'extract without variables',
      spc([{ ...extract, variablesExtractionSchema: [] }]),
      `${O}.singlePromptConfig.tools.0.variablesExtractionSchema`,
    ],
    [
      'extract enum variable without values',
      spc([
        {
          ...extract,
          variablesExtractionSchema: [{ name: 'v', description: 'd', type: 'enum', values: [] }],
        },
      ]),
      `${O}.singlePromptConfig.tools.0.variablesExtractionSchema.0.values`,
    ],
    [
      'kb without knowledgeBaseId',
      spc([{ ...kb, knowledgeBaseId: undefined }]),
      `${O}.singlePromptConfig.tools.0.knowledgeBaseId`,
    ],
    [
      'singlePromptConfig without prompt',
      { singlePromptConfig: { tools: [] } },
      `${O}.singlePromptConfig.prompt`,
    ],
    [
      'disposition identifier with capitals',
      {
        postCallAnalyticsConfig: {
          dispositionMetrics: [
            { identifier: 'Outcome', dispositionMetricPrompt: 'p', dispositionMetricType: 'STRING' },
          ],
        },
      },
      `${O}.postCallAnalyticsConfig.dispositionMetrics.0.identifier`,
    ],
    [
      'ENUM disposition without choices',
      {
        postCallAnalyticsConfig: {
          dispositionMetrics: [
            { identifier: 'outcome', dispositionMetricPrompt: 'p', dispositionMetricType: 'ENUM' },
          ],
        },
      },
      `${O}.postCallAnalyticsConfig.dispositionMetrics.0.choices`,
    ],
    [
      'duplicate disposition identifiers',
      {
        postCallAnalyticsConfig: {
          dispositionMetrics: [
            { identifier: 'a', dispositionMetricPrompt: 'p', dispositionMetricType: 'STRING' },
            { identifier: 'a', dispositionMetricPrompt: 'q', dispositionMetricType: 'BOOLEAN' },
          ],
        },
      },
      `${O}.postCallAnalyticsConfig.dispositionMetrics.1.identifier`,
    ],
    ['language without switching', { language: { default: 'en' } }, `${O}.language.switching`],
    [
      'language default not supported',
      { language: { default: 'hi', supported: ['en'], switching: { isEnabled: false } } },
      `${O}.language.default`,
    ],
    [
      'ta combined',
      { language: { supported: ['ta', 'en'], switching: { isEnabled: false } } },
      `${O}.language.supported`,
    ],
    [
      'switching threshold out of range',
      { language: { switching: { isEnabled: true, strongSignalThreshold: 0.95 } } },
      `${O}.language.switching.strongSignalThreshold`,
    ],
    [
      'north_indic without pulse',
      {
        language: { default: 'north_indic', switching: { isEnabled: false } },
        transcriberType: 'pulse-legacy',
      },
      `${O}.transcriberType`,
    ],
    ['interruptionBackoffTimer 11', { interruptionBackoffTimer: 11 }, `${O}.interruptionBackoffTimer`],
    ['interruptionBackoffTimer -1', { interruptionBackoffTimer: -1 }, `${O}.interruptionBackoffTimer`],
    ['unknown backgroundSound', { backgroundSound: 'forest' }, `${O}.backgroundSound`],
    ['globalPrompt over 4000', { globalPrompt: 'g'.repeat(4001) }, `${O}.globalPrompt`],
    ['unknown slmModel', { slmModel: 'gpt-3' }, `${O}.slmModel`],
    [
      'preCallAPI timeout in ms',
      { preCallAPI: { url: 'https://x.io', method: 'GET', timeout: 5000 } },
      `${O}.preCallAPI.timeout`,
    ],
    [
      'sessionTimeout over an hour',
      { sessionTimeoutConfig: { timeoutTimeInSecs: 3601 } },
      `${O}.sessionTimeoutConfig.timeoutTimeInSecs`,
    ],
    [
      'voicemail endText over 200',
      { voiceMailDetectionConfig: { endText: 'e'.repeat(201) } },
      `${O}.voiceMailDetectionConfig.endText`,
    ],
    ['unknown top-level field', { prompt: 'x' }, O],
    ['agent metadata: name', { name: 'x' }, `${O}.name`],
    ['agent metadata: telephonyProductId', { telephonyProductId: ['p'] }, `${O}.telephonyProductId`],
    ['agent metadata: description', { description: 'x' }, `${O}.description`],
  ])('rejects %s', (_label, atoms, path) => {
    expect(check(atoms)).toBe(path);
  });

  it('accepts boundary values', () => {
    expect(
      check({
        interruptionBackoffTimer: 0,
        globalPrompt: 'g'.repeat(4000),
        backgroundSound: '',
        language: { default: 'en', supported: ['en', 'hi'], switching: { isEnabled: false } },
        singlePromptConfig: {
          prompt: 'p',
          tools: [
            { ...transfer, detectionTimeout: 5 },
            { ...apiCall, timeout: 30000 },
          ],
        },
      }),
    ).toBe('ok');
  });

  it('types providerOptions.atoms through declaration merging', () => {
    const atoms: AtomsProviderOptions = { firstMessage: 'Hi', slmModel: 'electron' };
    const changes: AgentChanges = { providerOptions: { atoms } };
    expect(check(changes.providerOptions?.atoms as Record<string, unknown>)).toBe('ok');
  });
});

describe('parseAtomsChanges', () => {
  it.each<[string, AgentChanges, string]>([
    ['an unknown model', { model: 'gpt-3' }, 'changes.model'],
    [
      'instructions with singlePromptConfig',
      { instructions: 'a', providerOptions: { atoms: { singlePromptConfig: { prompt: 'b' } } } },
      `${O}.singlePromptConfig`,
    ],
    [
      'instructions with globalPrompt',
      { instructions: 'a', providerOptions: { atoms: { globalPrompt: 'b' } } },
      `${O}.globalPrompt`,
    ],
    [
      'firstMessage twice',
      { firstMessage: 'a', providerOptions: { atoms: { firstMessage: 'b' } } },
      `${O}.firstMessage`,
    ],
    [
      'model twice',
      { model: 'electron', providerOptions: { atoms: { slmModel: 'gpt-4o' } } },
      `${O}.slmModel`,
    ],
    ['an empty change', {}, 'changes'],
    [
      'a neutral field of the wrong type',
      { instructions: 1 } as unknown as AgentChanges,
      'changes.instructions',
    ],
  ])('rejects %s', (_label, changes, path) => {
    const error = (() => {
      try {
        parseAtomsChanges(changes);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(path);
    expect((error as ValidationError).provider).toBe('atoms');
  });

  it('ignores other providers’ options', () => {
    expect(parseAtomsChanges({ instructions: 'x', providerOptions: { langdock: { anything: 1 } } })).toEqual({
      instructions: 'x',
      config: {},
    });
  });
});

describe('toDraftConfigBody', () => {
  const tools = [{ _id: 't', type: 'end_call', name: 'end', description: 'd' }];

  it('keeps the existing tools with a new prompt (single_prompt)', () => {
    expect(
      toDraftConfigBody(parseAtomsChanges({ instructions: 'new' }), { workflowType: 'single_prompt', tools }),
    ).toEqual({ singlePromptConfig: { prompt: 'new', tools } });
  });

  it('uses globalPrompt for workflow_graph agents and checks its length', () => {
    const ctx = { workflowType: 'workflow_graph', tools: undefined } as const;
    expect(toDraftConfigBody(parseAtomsChanges({ instructions: 'g' }), ctx)).toEqual({ globalPrompt: 'g' });
    expect(() => toDraftConfigBody(parseAtomsChanges({ instructions: 'g'.repeat(4001) }), ctx)).toThrow(
      ValidationError,
    );
  });

  it('refuses to build a prompt edit without knowing the tools', () => {
    expect(() =>
      toDraftConfigBody(parseAtomsChanges({ instructions: 'x' }), {
        workflowType: 'single_prompt',
        tools: undefined,
      }),
    ).toThrow(UnexpectedResponseError);
  });

  it('is empty when nothing maps to Atoms', () => {
    expect(
      toDraftConfigBody(parseAtomsChanges({ providerOptions: { langdock: { a: 1 } } }), {
        workflowType: 'single_prompt',
        tools: [],
      }),
    ).toEqual({});
  });
});

describe('toVersionInfo', () => {
  it('maps an AgentVersion and its security check', () => {
    expect(
      toVersionInfo('a', {
        _id: 'v',
        versionNumber: 3,
        label: null,
        isActive: false,
        createdAt: '2026-01-01T00:00:00.000Z',
        securityCheck: { status: 'errored', reason: 'scanner down' },
      }),
    ).toEqual({
      provider: 'atoms',
      agentId: 'a',
      id: 'v',
      number: 3,
      isActive: false,
      createdAt: '2026-01-01T00:00:00.000Z',
      gate: { status: 'failed', raw: 'errored', reason: 'scanner down' },
    });
  });
});

describe('validate (release input)', () => {
  const releaser = createAtomsReleaser({ apiKey: KEY });
  const agentId = '65a1b2c3d4e5f60718293a4b';

  it('accepts a valid input', () => {
    expect(() =>
      releaser.validate({ agentId, changes: { instructions: 'x' }, label: 'l', draftId: 'draft_1' }),
    ).not.toThrow();
  });

  it.each([
    ['agent id', { agentId: 'nope', changes: { instructions: 'x' } }, 'agentId'],
    ['label', { agentId, changes: { instructions: 'x' }, label: 'l'.repeat(201) }, 'options.label'],
    [
      'description',
      { agentId, changes: { instructions: 'x' }, description: 'd'.repeat(2001) },
      'options.description',
    ],
    ['draftId', { agentId, changes: { instructions: 'x' }, draftId: 'a/b' }, 'draftId'],
    ['model', { agentId, changes: { model: 'claude' } }, 'changes.model'],
  ])('rejects a bad %s', (_label, input, field) => {
    try {
      releaser.validate(input);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
    }
  });
});
