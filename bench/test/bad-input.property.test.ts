/**
 * Bad-input property tests (fast-check, nock): per vendor, ≥ 1,000 generated invalid changes,
 * ≥ 1,000 invalid ids and ≥ 1,000 invalid labels/descriptions must each end in a
 * `ValidationError` with zero requests sent.
 *
 * Zero requests is checked twice: `nock.disableNetConnect()` with no interceptors turns any
 * request into a NetConnectNotAllowedError (which surfaces as PROVIDER_UNAVAILABLE, not
 * VALIDATION, so the property fails), and a request interceptor on the shared axios instance
 * counts every request that was even attempted. A control test proves the counter sees them.
 *
 * Every generator builds a value that is invalid by construction (a valid base with exactly one
 * known violation), so a passing property means "rejected locally", not "lucky draws".
 */
import { ATOMS_METADATA_FIELDS, ATOMS_SLM_MODELS, createAtomsReleaser } from '@agent-release/adapter-atoms';
import { createLangdockReleaser } from '@agent-release/adapter-langdock';
import { type AgentReleaser, isAgentReleaseError, release } from '@agent-release/core';
import axios from 'axios';
import fc from 'fast-check';
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rejectionOf } from './helpers.js';

const RUNS = 1000;
const ATOMS_AGENT = '65f0a0b0c0d0e0f001020304';
const ATOMS_VERSION = '65f0a0b0c0d0e0f0010203ff';
const LANGDOCK_AGENT = '550e8400-e29b-41d4-a716-446655440000';

let attempted = 0;
let unmatched = 0;
const countAttempt = (config: import('axios').InternalAxiosRequestConfig) => {
  attempted += 1;
  return config;
};
const countUnmatched = () => {
  unmatched += 1;
};
let interceptorId: number;
beforeAll(() => {
  nock.disableNetConnect();
  nock.emitter.on('no match', countUnmatched);
  // The adapters send through axios' default instance: count every request it is asked to send.
  interceptorId = axios.interceptors.request.use(countAttempt);
});
afterAll(() => {
  axios.interceptors.request.eject(interceptorId);
  nock.emitter.removeListener('no match', countUnmatched);
  nock.enableNetConnect();
});
beforeEach(() => {
  attempted = 0;
  unmatched = 0;
});

const atoms = createAtomsReleaser({ apiKey: 'sk_property_tests_atoms', retry: false });
const langdock = createLangdockReleaser({ apiKey: 'sk-ld-property-tests', retry: false });

/** Runs `call`, which must fail with a ValidationError having sent nothing. */
async function expectRejectedLocally(call: () => Promise<unknown>): Promise<void> {
  const before = { attempted, unmatched };
  let error: unknown;
  try {
    await call();
  } catch (e) {
    error = e;
  }
  const sent = attempted - before.attempted + (unmatched - before.unmatched);
  if (!isAgentReleaseError(error) || error.code !== 'VALIDATION' || error.name !== 'ValidationError') {
    throw new Error(`expected a ValidationError, got ${error === undefined ? 'success' : String(error)}`);
  }
  if (sent !== 0) throw new Error(`expected zero requests, ${sent} were attempted`);
}

// ---- shared generators ---------------------------------------------------------------------

const KNOWN_CHANGE_KEYS = new Set(['instructions', 'firstMessage', 'model', 'providerOptions']);
const notAString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string(), { maxKeys: 2 }),
);
const safeKey = (taken: ReadonlySet<string>) =>
  fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !taken.has(k) && k !== '__proto__');
const blank = fc
  .array(fc.constantFrom(' ', '\t', '\n', '\r', '\u00a0'), { maxLength: 4 })
  .map((chars) => chars.join(''));

/** Invalid for every vendor: the neutral schema refuses these. */
const neutralInvalidChanges = fc.oneof(
  // Not an object at all.
  fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.integer(),
    fc.string(),
    fc.boolean(),
    fc.array(fc.string()),
  ),
  // An object with nothing to change.
  fc.constantFrom(
    {},
    { instructions: undefined },
    { providerOptions: {} },
    { providerOptions: { atoms: undefined } },
  ),
  // An unknown top-level key next to a valid change.
  fc
    .tuple(safeKey(KNOWN_CHANGE_KEYS), fc.string())
    .map(([key, value]) => ({ instructions: 'Valid.', [key]: value })),
  // A neutral field of the wrong type.
  fc
    .tuple(fc.constantFrom('instructions', 'firstMessage', 'model'), notAString)
    .map(([field, value]) => ({ [field]: value })),
  // A blank model.
  blank.map((model) => ({ model })),
  // providerOptions that is not a record of records.
  fc
    .oneof(
      notAString.filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)),
      fc.constant([]),
    )
    .map((providerOptions) => ({ instructions: 'Valid.', providerOptions })),
  fc
    .tuple(
      fc.constantFrom('atoms', 'langdock', 'other'),
      fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null)),
    )
    .map(([vendor, value]) => ({ instructions: 'Valid.', providerOptions: { [vendor]: value } })),
);

const ATOMS_CONFIG_KEYS = new Set([
  'singlePromptConfig',
  'postCallAnalyticsConfig',
  'language',
  'synthesizer',
  'preCallAPI',
  'slmModel',
  'transcriberType',
  'customLLMWebSocketUrl',
  'widgetConfig',
  'defaultVariables',
  'globalPrompt',
  'globalKnowledgeBaseId',
  'firstMessage',
  'allowInterruptions',
  'waitForUserToSpeakFirst',
  'muteUserUntilFirstBotResponse',
  'enableStyleGuide',
  'speechFormatting',
  'interruptionBackoffTimer',
  'backgroundSound',
  'smartTurnConfig',
  'voiceDetectionConfig',
  'voiceMailDetectionConfig',
  'denoisingConfig',
  'redactionConfig',
  'llmIdleTimeoutConfig',
  'sessionTimeoutConfig',
  'timezone',
  'pronunciationDicts',
  'workflowType',
  'callDispositionConfig',
  ...ATOMS_METADATA_FIELDS,
]);
/** A number outside [min, max]. The filter drops -0 for min = 0: `maxExcluded` lets it through. */
const outside = (min: number, max: number) =>
  fc
    .oneof(
      fc.double({ max: min, maxExcluded: true, noNaN: true }),
      fc.double({ min: max, minExcluded: true, noNaN: true }),
    )
    .filter((v) => v < min || v > max);
const atomsOptions = (options: Record<string, unknown>) => ({ providerOptions: { atoms: options } });

/** Invalid for Atoms specifically. */
const atomsInvalidChanges = fc.oneof(
  // A model Atoms does not have.
  fc
    .string({ minLength: 1, maxLength: 30 })
    .filter((m) => m.trim() !== '' && !(ATOMS_SLM_MODELS as readonly string[]).includes(m))
    .map((model) => ({ model })),
  // Agent metadata where a draft config field goes.
  fc.tuple(fc.constantFrom(...ATOMS_METADATA_FIELDS), fc.string()).map(([f, v]) => atomsOptions({ [f]: v })),
  // An unknown config field.
  fc.tuple(safeKey(ATOMS_CONFIG_KEYS), fc.string()).map(([k, v]) => atomsOptions({ [k]: v })),
  // Values out of range or outside an enum.
  outside(0, 10).map((v) => atomsOptions({ interruptionBackoffTimer: v })),
  outside(0, 2).map((v) => atomsOptions({ synthesizer: { speed: v } })),
  fc
    .string()
    .filter((s) => !(ATOMS_SLM_MODELS as readonly string[]).includes(s))
    .map((s) => atomsOptions({ slmModel: s })),
  fc
    .string()
    .filter((s) => !['', 'office', 'cafe', 'call_center', 'static'].includes(s))
    .map((s) => atomsOptions({ backgroundSound: s })),
  fc.integer({ min: 4001, max: 6000 }).map((n) => atomsOptions({ globalPrompt: 'p'.repeat(n) })),
  fc.string().map((s) => atomsOptions({ language: { default: 'en', supported: ['en'], note: s } })), // no `switching`
  fc.string({ minLength: 1, maxLength: 10 }).map((s) =>
    atomsOptions({
      singlePromptConfig: {
        prompt: 'x',
        tools: [{ type: 'end_call', name: `has space ${s}`, description: '' }],
      },
    }),
  ),
  fc
    .string({ maxLength: 12 })
    .filter((s) => !s.startsWith('+')) // never E.164, whatever zod's exact pattern
    .map((s) =>
      atomsOptions({
        singlePromptConfig: {
          prompt: 'x',
          tools: [
            { type: 'transfer_call', name: 't', description: '', transferNumber: s, transferOption: {} },
          ],
        },
      }),
    ),
  // The same Atoms field from a neutral field and providerOptions.
  fc.string().map((s) => ({ instructions: s, ...atomsOptions({ singlePromptConfig: { prompt: s } }) })),
  fc.string().map((s) => ({ instructions: s, ...atomsOptions({ globalPrompt: s }) })),
  fc.string().map((s) => ({ firstMessage: s, ...atomsOptions({ firstMessage: s }) })),
  fc.constantFrom(...ATOMS_SLM_MODELS).map((m) => ({ model: m, ...atomsOptions({ slmModel: m }) })),
);

const LANGDOCK_KEYS = new Set([
  'name',
  'description',
  'emoji',
  'instruction',
  'inputType',
  'creativity',
  'conversationStarters',
  'actions',
  'inputFields',
  'attachments',
  'webSearch',
  'imageGeneration',
  'dataAnalyst',
  'canvas',
  'extendedThinking',
]);
const langdockOptions = (options: Record<string, unknown>) => ({ providerOptions: { langdock: options } });
const notUuid = fc
  .string({ maxLength: 40 })
  .filter((s) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s));

/** Invalid for Langdock specifically. */
const langdockInvalidChanges = fc.oneof(
  // Chat agents have no first message.
  fc.string().map((firstMessage) => ({ firstMessage })),
  fc.string().map((firstMessage) => ({ instructions: 'Valid.', firstMessage })),
  // Over the instruction limit.
  fc.integer({ min: 40_001, max: 41_000 }).map((n) => ({ instructions: 'i'.repeat(n) })),
  fc.integer({ min: 40_001, max: 41_000 }).map((n) => langdockOptions({ instruction: 'i'.repeat(n) })),
  // Both prompt fields.
  fc
    .tuple(fc.string(), fc.string())
    .map(([a, b]) => ({ instructions: a, ...langdockOptions({ instruction: b }) })),
  // An unknown field.
  fc.tuple(safeKey(LANGDOCK_KEYS), fc.string()).map(([k, v]) => langdockOptions({ [k]: v })),
  // Limits and types.
  fc
    .oneof(fc.constant(''), fc.string({ minLength: 81, maxLength: 120 }))
    .map((name) => langdockOptions({ name })),
  fc.string({ minLength: 501, maxLength: 600 }).map((description) => langdockOptions({ description })),
  fc.string({ minLength: 17, maxLength: 40 }).map((emoji) => langdockOptions({ emoji })),
  outside(0, 1).map((creativity) => langdockOptions({ creativity })),
  fc
    .array(fc.string({ minLength: 1, maxLength: 5 }), { minLength: 21, maxLength: 30 })
    .map((c) => langdockOptions({ conversationStarters: c })),
  fc
    .oneof(fc.constant(''), fc.string({ minLength: 256, maxLength: 300 }))
    .map((s) => langdockOptions({ conversationStarters: [s] })),
  notUuid.map((actionId) => langdockOptions({ actions: [{ actionId }] })),
  notUuid.map((id) => langdockOptions({ attachments: [id] })),
  fc
    .string()
    .filter((s) => s !== 'PROMPT' && s !== 'STRUCTURED')
    .map((inputType) => langdockOptions({ inputType })),
  fc
    .tuple(
      fc.constantFrom('webSearch', 'imageGeneration', 'dataAnalyst', 'canvas', 'extendedThinking'),
      notAString,
    )
    .filter(([, v]) => typeof v !== 'boolean')
    .map(([k, v]) => langdockOptions({ [k]: v })),
);

// ---- ids -----------------------------------------------------------------------------------

const nonStringId = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.boolean(),
  fc.object({ maxDepth: 1 }),
);
const pathTricks = (valid: string) =>
  fc.constantFrom(
    `${valid}/..`,
    `../${valid}`,
    `${valid}/versions`,
    `${valid}?x=1`,
    `${valid}#x`,
    ` ${valid}`,
    `${valid} `,
    `${valid}%2F`,
    `${valid}\n`,
  );

const atomsBadId = fc.oneof(
  fc.string({ maxLength: 30 }).filter((s) => !/^[a-f\d]{24}$/.test(s)),
  fc.stringMatching(/^[a-f\d]{1,23}$/),
  fc.stringMatching(/^[a-f\d]{25,30}$/),
  fc.stringMatching(/^[a-fA-F\d]{24}$/).filter((s) => /[A-F]/.test(s)),
  pathTricks(ATOMS_AGENT),
  nonStringId,
);

const langdockBadId = fc.oneof(
  notUuid,
  fc.uuid().map((u) => u.replace(/-/g, '')),
  fc.uuid().map((u) => `${u}0`),
  fc.uuid().map((u) => u.slice(1)),
  fc.uuid().map((u) => u.replace(/^./, 'g')),
  pathTricks(LANGDOCK_AGENT),
  nonStringId,
);

type IdTarget =
  | 'release'
  | 'editDraft'
  | 'publish'
  | 'activate.agentId'
  | 'activate.versionId'
  | 'getActiveVersion'
  | 'release.draftId';

function callWithBadId(
  releaser: AgentReleaser,
  target: IdTarget,
  bad: unknown,
  valid: { agentId: string; versionId: string; draftId: string },
): () => Promise<unknown> {
  const id = bad as string;
  const changes = { instructions: 'Valid.' };
  switch (target) {
    case 'release':
      return () => release(releaser, id, changes);
    case 'release.draftId':
      return () => release(releaser, valid.agentId, changes, { draftId: id });
    case 'editDraft':
      return () => releaser.editDraft(id, changes);
    case 'publish':
      return () => releaser.publish({ provider: releaser.provider, agentId: id, draftId: valid.draftId });
    case 'activate.agentId':
      return () => releaser.activate(id, valid.versionId);
    case 'activate.versionId':
      return () => releaser.activate(valid.agentId, id);
    case 'getActiveVersion':
      return () => releaser.getActiveVersion(id);
  }
}

// ---- labels and descriptions ---------------------------------------------------------------

const atomsBadPublishOptions = fc.oneof(
  fc.string({ minLength: 201, maxLength: 400 }).map((label) => ({ label })),
  fc.string({ minLength: 2001, maxLength: 2200 }).map((description) => ({ description })),
  notAString.filter((v) => v !== null).map((label) => ({ label })),
  notAString.filter((v) => v !== null).map((description) => ({ description })),
);

const langdockBadPublishOptions = fc.oneof(
  fc.string({ minLength: 101, maxLength: 300 }).map((description) => ({ description })),
  fc.string({ minLength: 101, maxLength: 300 }).map((label) => ({ label })),
  // Both: one would be silently dropped.
  fc
    .tuple(fc.string({ maxLength: 100 }), fc.string({ maxLength: 100 }))
    .map(([label, description]) => ({ label, description })),
  notAString.filter((v) => v !== null).map((label) => ({ label })),
  notAString.filter((v) => v !== null).map((description) => ({ description })),
);

// ---- the properties ------------------------------------------------------------------------

const vendors = [
  {
    name: 'atoms',
    releaser: atoms,
    valid: { agentId: ATOMS_AGENT, versionId: ATOMS_VERSION, draftId: 'draft_1' },
    badChanges: fc.oneof(neutralInvalidChanges, atomsInvalidChanges),
    badId: atomsBadId,
    badDraftId: fc.oneof(
      fc.string({ maxLength: 20 }).filter((s) => !/^[A-Za-z0-9_-]{1,200}$/.test(s)),
      fc.string({ minLength: 201, maxLength: 220 }),
    ),
    badOptions: atomsBadPublishOptions,
  },
  {
    name: 'langdock',
    releaser: langdock,
    valid: { agentId: LANGDOCK_AGENT, versionId: 'live', draftId: 'draft' },
    badChanges: fc.oneof(neutralInvalidChanges, langdockInvalidChanges),
    badId: langdockBadId,
    // Langdock has one implicit draft: any other draftId is invalid.
    badDraftId: fc.string({ maxLength: 20 }).filter((s) => s !== 'draft'),
    badOptions: langdockBadPublishOptions,
  },
] as const;

describe.each(vendors)('bad input → ValidationError, zero requests: $name', (vendor) => {
  it('control: a valid release does attempt a request (so the counter works)', async () => {
    const error = await rejectionOf(
      release(vendor.releaser, vendor.valid.agentId, { instructions: 'Valid.' }),
    );
    expect(isAgentReleaseError(error) && error.code).toBe('PROVIDER_UNAVAILABLE');
    expect(attempted).toBeGreaterThan(0);
  });

  it(`${RUNS} invalid changes`, async () => {
    await fc.assert(
      fc.asyncProperty(vendor.badChanges, fc.boolean(), async (changes, direct) => {
        // Through release() and straight through the port.
        await expectRejectedLocally(() =>
          direct
            ? vendor.releaser.editDraft(vendor.valid.agentId, changes as never)
            : release(vendor.releaser, vendor.valid.agentId, changes as never),
        );
      }),
      { numRuns: RUNS },
    );
    expect(attempted + unmatched).toBe(0);
  });

  it(`${RUNS} invalid ids`, async () => {
    const targets: IdTarget[] = ['release', 'editDraft', 'publish', 'activate.agentId', 'getActiveVersion'];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 5, arbitrary: fc.tuple(fc.constantFrom(...targets), vendor.badId) },
          // Version ids follow the vendor's id format on Atoms; on Langdock any non-token id.
          {
            weight: 1,
            arbitrary: fc.tuple(
              fc.constant<IdTarget>('activate.versionId'),
              vendor.name === 'atoms'
                ? vendor.badId
                : fc.oneof(fc.constant(''), pathTricks('live'), nonStringId),
            ),
          },
          { weight: 1, arbitrary: fc.tuple(fc.constant<IdTarget>('release.draftId'), vendor.badDraftId) },
        ),
        async ([target, bad]) => {
          await expectRejectedLocally(callWithBadId(vendor.releaser, target, bad, vendor.valid));
        },
      ),
      { numRuns: RUNS },
    );
    expect(attempted + unmatched).toBe(0);
  });

  it(`${RUNS} invalid labels and descriptions`, async () => {
    await fc.assert(
      fc.asyncProperty(vendor.badOptions, fc.boolean(), async (options, direct) => {
        await expectRejectedLocally(() =>
          direct
            ? vendor.releaser.publish(
                {
                  provider: vendor.releaser.provider,
                  agentId: vendor.valid.agentId,
                  draftId: vendor.valid.draftId,
                },
                options as never,
              )
            : release(vendor.releaser, vendor.valid.agentId, { instructions: 'Valid.' }, options as never),
        );
      }),
      { numRuns: RUNS },
    );
    expect(attempted + unmatched).toBe(0);
  });
});
