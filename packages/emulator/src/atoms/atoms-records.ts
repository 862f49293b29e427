import type { AtomsConfig, AtomsSection } from './atoms-config.js';
import type { SecurityCheckRecord, SecurityCheckView } from './atoms-security-check.js';

// The v1 records of the Atoms emulator and their public shapes. Nothing here knows the branch
// model: it keeps its own fields beside these rows.

/** `VersionBlocks`: one block id per config section; `playbooks` only on rows written under v2. */
export type AtomsVersionBlocks = Record<AtomsSection, string> & { playbooks?: string };

/** An `AgentVersion` row as the API returns it (published version or draft). */
export interface AtomsVersion {
  _id: string;
  agent: string;
  status: 'published' | 'draft' | 'archived';
  versionNumber: number | null;
  label: string | null;
  description: string | null;
  isPinned: boolean;
  publishedBy: string | null;
  publishedAt: string | null;
  activatedBy: string | null;
  activatedAt: string | null;
  draftId: string | null;
  draftName: string | null;
  draftRevision: number | null;
  sourceVersionId: string | null;
  parentVersion: string | null;
  blocks: AtomsVersionBlocks;
  workflowType: string;
  isActive: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** Absent when the emulator runs with `securityCheck.expose: false`; null on drafts. */
  securityCheck?: SecurityCheckView | null;
}

/** A version with its config, as the state helpers return it. */
export interface AtomsVersionSnapshot extends AtomsVersion {
  config: AtomsConfig;
}

/** One `PATCH .../config` as recorded in a draft's edit history. */
export interface AtomsDraftEdit {
  revision: number;
  changedSections: AtomsSection[];
  editorName: string | null;
  editorId: string | null;
  timestamp: string;
}

/** A draft with its config and full edit history (oldest first). */
export interface AtomsDraftSnapshot extends AtomsVersionSnapshot {
  editHistory: AtomsDraftEdit[];
  lastEditorName: string | null;
}

/** `GET /agent/{id}` data (`AgentDTO`), the fields the emulator models. */
export interface AtomsAgent {
  _id: string;
  name: string;
  description: string;
  workflowId: string;
  workflowType: string;
  activeVersionId: string | null;
  /** Alias of `activeVersionId`. */
  versionId: string | null;
  archived: boolean;
  /** Only on an archived agent (the spec types it as a non-nullable date-time). */
  archivedAt?: string;
  /** Only when set (the spec types it as a non-nullable string). */
  avatarUrl?: string;
  telephonyProductId: string[];
  allowInboundCall: boolean;
  visibleToEveryone: boolean;
  /** The spec types it as an array of numbers; the emulator rents none. */
  phoneNumber: string[];
  language?: unknown;
  synthesizer?: unknown;
  slmModel?: unknown;
  transcriberType?: unknown;
  createdAt: string;
  updatedAt: string;
  _resolvedConfig: Record<string, unknown>;
  /** Deprecated mirror of `_resolvedConfig`; keys the agent has no value for are left out. */
  _versionedWorkflow: { prompt?: unknown; tools?: unknown; workflowGraph?: unknown };
  _configSource?: 'active' | 'draft' | 'version';
}

/** Seeding input for `state.createAgent`: `POST /agent` fields plus `prompt`/`tools` shortcuts. */
export interface AtomsCreateAgentInput {
  name: string;
  description?: string;
  workflowType?: 'single_prompt' | 'workflow_graph';
  /** Shortcut for `singlePromptConfig.prompt`. */
  prompt?: string;
  /** Shortcut for `singlePromptConfig.tools`. */
  tools?: unknown[];
  /** Any other create/config field (`firstMessage`, `slmModel`, `language`, ...). */
  [field: string]: unknown;
}

/** Internal: an `AgentVersion` row with its config, check and edit history. */

export interface AtomsVersionRecord {
  _id: string;
  agent: string;
  status: 'published' | 'draft' | 'archived';
  versionNumber: number | null;
  label: string | null;
  description: string | null;
  isPinned: boolean;
  publishedBy: string | null;
  publishedAt: number | null;
  activatedBy: string | null;
  activatedAt: number | null;
  draftId: string | null;
  draftName: string | null;
  draftRevision: number | null;
  sourceVersionId: string | null;
  parentVersion: string | null;
  blocks: AtomsVersionBlocks;
  isActive: boolean;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  config: AtomsConfig;
  check: SecurityCheckRecord | null;
  editHistory: AtomsDraftEdit[];
  lastEditorName: string | null;
}

export interface AtomsAgentRecord {
  _id: string;
  name: string;
  description: string;
  workflowId: string;
  avatarUrl: string | null;
  telephonyProductId: string[];
  allowInboundCall: boolean;
  visibleToEveryone: boolean;
  archived: boolean;
  archivedAt: number | null;
  createdAt: number;
  updatedAt: number;
  activeVersionId: string;
  /** Published versions in publish order. */
  versions: AtomsVersionRecord[];
  /** Open drafts by draftId, in fork order (a branch model may add its drafts here too). */
  drafts: Map<string, AtomsVersionRecord>;
}
