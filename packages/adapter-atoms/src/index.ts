/**
 * @packageDocumentation
 * Smallest AI Atoms implementation of the agent-release port. Versioning v1: fork a draft, PATCH
 * its config, publish, wait for the security check, activate. Versioning v2 (branch model): PUT
 * the branch draft, publish (scanned), live on the live branch, restore to roll back.
 * `apiGeneration: 'auto'` (default) switches per agent when Atoms says it migrated. The
 * inversify module is `@agent-release/adapter-atoms/di`: this entry loads no DI framework.
 */
export { ATOMS_AUTO_CAPABILITIES, type AtomsAutoReleaser } from './auto.js';
export { type AtomsReleaser, createAtomsReleaser } from './provider.js';
export {
  ATOMS_GLOBAL_PROMPT_MAX,
  ATOMS_METADATA_FIELDS,
  ATOMS_SLM_MODELS,
  type AtomsDispositionMetric,
  type AtomsLanguageConfig,
  type AtomsPostCallAnalyticsConfig,
  type AtomsProviderOptions,
  type AtomsSinglePromptConfig,
  type AtomsSlmModel,
  type AtomsTool,
  atomsProviderOptionsSchema,
} from './shared/config-schema.js';
export { type AtomsDraftConflictKind, DraftConflictError } from './shared/errors.js';
export type { AtomsListVersionsOptions } from './shared/input.js';
export {
  ATOMS_DEFAULT_BASE_URL,
  type AtomsApiGeneration,
  type AtomsApiGenerationOption,
  type AtomsReleaserOptions,
  type AtomsSecurityCheckOptions,
  DEFAULT_SECURITY_CHECK,
} from './shared/options.js';
export { ATOMS_V1_CAPABILITIES, type AtomsV1Releaser } from './v1/releaser.js';
export { ConfigFreezeError } from './v2/errors.js';
export { ATOMS_V2_CAPABILITIES, type AtomsV2Releaser } from './v2/releaser.js';
