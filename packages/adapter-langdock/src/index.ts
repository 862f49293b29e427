/**
 * @packageDocumentation
 * The Langdock Agents API implementation of the agent-release port: `editDraft` reads the live
 * agent and updates its one shared draft only when something differs (refusing others'
 * unpublished edits by default), `publish` makes a new live version (409 → `unchanged`),
 * `readConfig` returns the live configuration, errors map to core's typed errors. Importing this
 * package also adds `providerOptions.langdock` to core's `AgentChanges`. The inversify module is
 * `@agent-release/adapter-langdock/di`: this entry loads no DI framework.
 */
export { LANGDOCK_CAPABILITIES, LANGDOCK_PROVIDER } from './langdock-capabilities.js';
export {
  LANGDOCK_INSTRUCTION_MAX,
  type LangdockAction,
  type LangdockInputField,
  type LangdockInputType,
  type LangdockProviderOptions,
  langdockProviderOptionsSchema,
} from './langdock-config-schema.js';
export type { LangdockForbiddenReason } from './langdock-errors.js';
export { LANGDOCK_DRAFT_ID, LANGDOCK_LIVE_VERSION_ID } from './langdock-ids.js';
export { LANGDOCK_PUBLISH_DESCRIPTION_MAX } from './langdock-mapping.js';
export {
  LANGDOCK_DEFAULT_BASE_URL,
  type LangdockForeignDraftEdits,
  type LangdockReleaserOptions,
  langdockOptionsSchema,
  langdockTenantOptionsSchema,
} from './langdock-options.js';
export { createLangdockReleaser } from './langdock-provider.js';
export {
  type LangdockEditDraftOptions,
  LangdockReleaser,
  type LangdockReleaserDeps,
} from './langdock-releaser.js';
