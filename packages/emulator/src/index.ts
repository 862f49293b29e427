export type { AtomsConfig, AtomsSection } from './atoms/atoms-config.js';
export { ATOMS_SECTIONS, CONFIG_FIELDS as ATOMS_CONFIG_FIELDS } from './atoms/atoms-config.js';
export type { AtomsEmulator, AtomsEmulatorOptions } from './atoms/atoms-emulator.js';
export { ATOMS_BASE_PATH, startAtomsEmulator } from './atoms/atoms-emulator.js';
export {
  CONFIG_FREEZE_MESSAGE as ATOMS_CONFIG_FREEZE_MESSAGE,
  MIGRATION_MESSAGE as ATOMS_MIGRATION_MESSAGE,
} from './atoms/atoms-responses.js';
export type {
  AtomsSecurityCheckOptions,
  SecurityCheckOutcome,
  SecurityCheckSubject,
  SecurityCheckView,
} from './atoms/atoms-security-check.js';
export type {
  AtomsAgent,
  AtomsCreateAgentInput,
  AtomsDraftEdit,
  AtomsDraftSnapshot,
  AtomsEmulatorState,
  AtomsVersion,
  AtomsVersionSnapshot,
} from './atoms/atoms-state.js';
export type {
  AtomsBranch,
  AtomsBranchDraftSnapshot,
  AtomsBranchSummary,
  AtomsPendingPublish,
  AtomsPublishResult,
  AtomsRevision,
  AtomsRevisionSnapshot,
  AtomsVersioning,
} from './atoms/v2/atoms-v2-state.js';
export type { CliOptions, RunningEmulators } from './cli.js';
export { parseCliArgs, runCli } from './cli.js';
export type { FaultKind, FaultSpec } from './kit/faults.js';
export { FaultInjector } from './kit/faults.js';
export type {
  CommonEmulatorOptions,
  EmulatorClock,
  EmulatorHandle,
  RateLimitOptions,
  RequestLogEntry,
} from './kit/types.js';
export { systemClock } from './kit/types.js';
export type {
  LangdockEmulator,
  LangdockEmulatorOptions,
  LangdockKeyOptions,
} from './langdock/langdock-emulator.js';
export { startLangdockEmulator } from './langdock/langdock-emulator.js';
export type { LangdockUpdateAnswer } from './langdock/langdock-routes.js';
export type { LangdockAgentConfig } from './langdock/langdock-schema.js';
export type {
  LangdockAgent,
  LangdockCreateAgentInput,
  LangdockEmulatorState,
  LangdockVersion,
} from './langdock/langdock-state.js';
export type { RetellEmulator, RetellEmulatorOptions } from './retell/retell-emulator.js';
export { startRetellEmulator } from './retell/retell-emulator.js';
export type { RetellDirection } from './retell/retell-phone-numbers.js';
export type { AgentBinding as RetellAgentBinding } from './retell/retell-records.js';
export type {
  RetellCreateAgentInput,
  RetellEmulatorState,
  RetellServing,
  RetellVersionSnapshot,
} from './retell/retell-state.js';
