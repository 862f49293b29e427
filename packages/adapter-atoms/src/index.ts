/**
 * @packageDocumentation
 * Smallest AI Atoms implementation of the agent-release port. Versioning v1: fork a draft, PATCH
 * its config, publish, wait for the security check, activate. Versioning v2 (branch model): PUT
 * the branch draft, publish (scanned), live on the live branch, restore to roll back.
 * `apiGeneration: 'auto'` (default) switches per agent when Atoms says it migrated.
 */
export {
  type AtomsVersionRow,
  atomsSecurityCheckSchema,
  atomsVersionSchema,
} from './atoms-api.js';
export { ATOMS_CAPABILITIES, ATOMS_V2_CAPABILITIES, atomsCapabilitiesOf } from './atoms-capabilities.js';
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
export {
  AGENT_GENERATION_MEMORY,
  AtomsGenerationRouter,
  type AtomsGenerationRouterDeps,
} from './atoms-generation.js';
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
export { AtomsReleaser, type ListVersionsOptions } from './atoms-releaser.js';
export {
  type ActivateRefusal,
  classifyActivateRefusal,
  gateOf,
  normalizeCheckStatus,
} from './atoms-security-check.js';
export type {
  AtomsActivateOptions,
  AtomsApiGeneration,
  AtomsApiGenerationOption,
  AtomsDraftTarget,
  AtomsLifecycleStrategy,
  AtomsVersionPage,
} from './atoms-strategy.js';
export { AtomsV1Strategy, type AtomsV1StrategyDeps } from './atoms-v1-strategy.js';
export {
  type AtomsBranchSummaryRow,
  type AtomsRevisionRow,
  atomsBranchSchema,
  atomsBranchSummarySchema,
  atomsRevisionSchema,
} from './atoms-v2-api.js';
export {
  type AtomsDraftConflictKind,
  BASE_REVISION_UNAVAILABLE,
  CONFIG_FREEZE_ERROR_TYPE,
  ConfigFreezeError,
  DraftConflictError,
  PUBLISH_IN_PROGRESS,
  SECURITY_CHECK_FAILED_ERROR_TYPE,
} from './atoms-v2-errors.js';
export { revisionToVersionInfo } from './atoms-v2-mapping.js';
export { AtomsV2Strategy, type AtomsV2StrategyDeps, NOT_ON_BRANCH_MODEL } from './atoms-v2-strategy.js';
