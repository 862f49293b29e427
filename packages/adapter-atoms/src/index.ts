/**
 * @packageDocumentation
 * Smallest AI Atoms (agent versioning v1) implementation of the agent-release port: fork a
 * draft, PATCH its config, publish, wait for the security check, activate.
 */
export {
  type AtomsVersionRow,
  atomsSecurityCheckSchema,
  atomsVersionSchema,
} from './atoms-api.js';
export {
  ATOMS_GLOBAL_PROMPT_MAX,
  ATOMS_METADATA_FIELDS,
  ATOMS_SLM_MODELS,
  type AtomsDispositionMetric,
  type AtomsDraftConfig,
  type AtomsLanguageConfig,
  type AtomsPostCallAnalyticsConfig,
  type AtomsProviderOptions,
  type AtomsSinglePromptConfig,
  type AtomsSlmModel,
  type AtomsTool,
  atomsDispositionMetricSchema,
  atomsDraftConfigSchema,
  atomsPostCallAnalyticsConfigSchema,
  atomsProviderOptionsSchema,
  atomsSinglePromptConfigSchema,
  atomsToolSchema,
} from './atoms-config-schema.js';
export { atomsRetryAfterMs, MIGRATION_ADVICE, MIGRATION_ERROR_TYPE, mapAtomsError } from './atoms-errors.js';
export { ATOMS_PROVIDER, atomsDraftIdSchema, atomsObjectIdSchema } from './atoms-ids.js';
export {
  type AtomsChangeSet,
  type AtomsEditContext,
  type AtomsWorkflowType,
  atomsListVersionsOptionsSchema,
  atomsPublishOptionsSchema,
  parseAtomsChanges,
  toDraftConfigBody,
  toVersionInfo,
} from './atoms-mapping.js';
export {
  ATOMS_DEFAULT_BASE_URL,
  type AtomsReleaserOptions,
  type AtomsSecurityCheckOptions,
  atomsReleaserOptionsSchema,
  DEFAULT_SECURITY_CHECK,
  type ResolvedAtomsReleaserOptions,
  resolveAtomsReleaserOptions,
} from './atoms-options.js';
export {
  type AtomsModuleDefaults,
  atomsModule,
  atomsReleaserFactory,
  createAtomsModule,
  createAtomsReleaser,
} from './atoms-provider.js';
export { ATOMS_CAPABILITIES, AtomsReleaser, type ListVersionsOptions } from './atoms-releaser.js';
export {
  type ActivateRefusal,
  classifyActivateRefusal,
  gateOf,
  normalizeCheckStatus,
} from './atoms-security-check.js';
export type {
  AtomsApiGeneration,
  AtomsDraftTarget,
  AtomsLifecycleStrategy,
  AtomsVersionPage,
} from './atoms-strategy.js';
export { AtomsV1Strategy, type AtomsV1StrategyDeps } from './atoms-v1-strategy.js';
