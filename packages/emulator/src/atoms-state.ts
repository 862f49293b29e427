import {
  ATOMS_SECTIONS,
  type AtomsConfig,
  type AtomsSection,
  CONFIG_FIELDS,
  changedSections,
  defaultConfig,
  flattenResolvedConfig,
  GATED_MODELS,
  validateConfigFields,
  withoutNulls,
} from './atoms-config.js';
import { atomsError } from './atoms-responses.js';
import {
  type AtomsSecurityCheckOptions,
  isCheckPending,
  passedSecurityCheck,
  type SecurityCheckRecord,
  type SecurityCheckView,
  securityCheckView,
  startSecurityCheck,
} from './atoms-security-check.js';
import { EMULATOR_USER, iso } from './atoms-user.js';
import {
  type AtomsBranchDraftSnapshot,
  type AtomsBranchModel,
  AtomsBranchStore,
  type AtomsBranchSummary,
  type AtomsRevisionSnapshot,
  type AtomsV2Readings,
  type AtomsVersioning,
} from './atoms-v2-state.js';
import { HttpError } from './http-kit.js';
import { objectId, randomHex } from './ids.js';
import { cloneJson, isPlainObject } from './json-utils.js';
import type { EmulatorClock } from './types.js';

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

/** Inspection and seeding helpers of the Atoms emulator (`emulator.state`). Returns copies. */
export interface AtomsEmulatorState {
  /** Creates an agent exactly as `POST /agent` would (version 1 published, active, check passed). */
  createAgent(input: AtomsCreateAgentInput): string;
  /** The agent as `GET /agent/{id}` returns it, or undefined. */
  agent(agentId: string): AtomsAgent | undefined;
  agentIds(): string[];
  /** Published versions, newest first (with config and security check). */
  versions(agentId: string): AtomsVersionSnapshot[];
  version(agentId: string, versionId: string): AtomsVersionSnapshot | undefined;
  activeVersionId(agentId: string): string | null;
  activeVersion(agentId: string): AtomsVersionSnapshot | undefined;
  /** Open (not published, not discarded) drafts, oldest first. */
  drafts(agentId: string): AtomsDraftSnapshot[];
  draft(agentId: string, draftId: string): AtomsDraftSnapshot | undefined;
  /** Ends a pending security check now, with its configured outcome. */
  completeSecurityCheck(agentId: string, versionId: string): void;
  /**
   * Whether the server runs the v2 branch model: v1 writes and lists answer
   * `409 versioning_v2_migration_required` and new agents get a live `Main` branch.
   */
  readonly migrationRequired: boolean;
  /**
   * `true` switches the server to the v2 branch model and migrates every agent (see
   * `migrateToV2`); `false` switches it back to v1 and rolls every agent back (revisions stay
   * published versions with the same ids, the live head stays the active version).
   */
  setMigrationRequired(on: boolean): void;

  // ---- v2 branch model ----------------------------------------------------------------------

  /** `'v2'` when the server runs the branch model (same flag as `migrationRequired`). */
  readonly versioning: AtomsVersioning;
  /**
   * Migrates one agent to the branch model (idempotent; throws for an unknown id), or, without
   * an id, the whole server (`setMigrationRequired(true)`). A migrated agent gets a live default
   * `Main` branch whose revisions are its v1 versions with the same ids (`revisionNumber` =
   * `versionNumber`) and whose head is the active version; from then on its v1 writes answer 409.
   */
  migrateToV2(agentId?: string): void;
  /** Every branch of the agent (archived ones too) as `BranchSummary`, in creation order. */
  branches(agentId: string): AtomsBranchSummary[];
  /** The live branch's id, or null for an unmigrated or unknown agent. */
  liveBranchId(agentId: string): string | null;
  /** Committed revisions of a branch, newest first (the scanning draft row is in `branchDraft`). */
  revisions(agentId: string, branchId: string): AtomsRevisionSnapshot[];
  /** The branch's open draft (with `securityCheck` and `pendingPublish` while scanning), or undefined. */
  branchDraft(agentId: string, branchId: string): AtomsBranchDraftSnapshot | undefined;
  /** Whether the v2 writes answer `423 config_freeze_active`. */
  readonly configFreeze: boolean;
  setConfigFreeze(on: boolean): void;
}

interface VersionRecord {
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
  /** v2: the branch of a revision or branch draft; null on v1 rows. */
  branch: string | null;
  /** v2: the per-branch number of a committed revision. */
  revisionNumber: number | null;
  sourceDraftId: string | null;
  restoredFromRevisionId: string | null;
  restoredFromLabel: string | null;
  config: AtomsConfig;
  check: SecurityCheckRecord | null;
  editHistory: AtomsDraftEdit[];
  lastEditorName: string | null;
}

interface AgentRecord {
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
  versions: VersionRecord[];
  /** Open drafts by draftId, in fork order (v2 branch drafts included). */
  drafts: Map<string, VersionRecord>;
  /** The v2 branch model; null until the agent is migrated. */
  branchModel: AtomsBranchModel | null;
}

export interface AtomsStoreOptions {
  clock: EmulatorClock;
  securityCheck: AtomsSecurityCheckOptions;
  /** The server runs the v2 branch model (`versioning: 'v2'` or `migrationRequired: true`). */
  migrationRequired: boolean;
  allowGatedModels: boolean;
  configFreeze?: boolean;
  readings?: AtomsV2Readings;
}

/**
 * Agents, versions and drafts of the Atoms emulator, with the v1 lifecycle operations. Request
 * parsing lives in the route files; everything here takes already-shaped input and throws
 * vendor-shaped `HttpError`s for domain failures (unknown ids, refused activation, ...).
 */
export class AtomsStore implements AtomsEmulatorState {
  private readonly agents = new Map<string, AgentRecord>();
  private readonly clock: EmulatorClock;
  private migration: boolean;
  private freeze: boolean;
  /** The v2 branch model operations. */
  readonly v2: AtomsBranchStore;

  constructor(private readonly options: AtomsStoreOptions) {
    this.clock = options.clock;
    this.migration = options.migrationRequired;
    this.freeze = options.configFreeze ?? false;
    this.v2 = new AtomsBranchStore(this, options.securityCheck, options.readings);
  }

  get exposeSecurityCheck(): boolean {
    return this.options.securityCheck.expose ?? true;
  }

  get pendingStatus(): number {
    return this.options.securityCheck.pendingStatus ?? 400;
  }

  get migrationRequired(): boolean {
    return this.migration;
  }

  setMigrationRequired(on: boolean): void {
    this.migration = on;
    for (const agent of this.agents.values()) {
      if (on) this.v2.migrate(agent);
      else this.v2.rollback(agent);
    }
  }

  get versioning(): AtomsVersioning {
    return this.migration ? 'v2' : 'v1';
  }

  migrateToV2(agentId?: string): void {
    if (agentId === undefined) {
      this.setMigrationRequired(true);
      return;
    }
    const agent = this.findAgent(agentId);
    if (!agent) throw new Error(`No agent ${agentId}`);
    this.v2.migrate(agent);
  }

  /** Whether the v1 writes and lists answer 409 for this agent (server on v2, or agent migrated). */
  refusesV1Writes(agentId: string): boolean {
    return this.migration || this.agents.get(agentId)?.branchModel != null;
  }

  get configFreeze(): boolean {
    return this.freeze;
  }

  setConfigFreeze(on: boolean): void {
    this.freeze = on;
  }

  // ---- lookups ---------------------------------------------------------------------------

  now(): number {
    return this.clock.now();
  }

  /** The agent, with every v2 scan that completed meanwhile applied. */
  findAgent(agentId: string): AgentRecord | undefined {
    const agent = this.agents.get(agentId);
    if (agent) this.v2.settle(agent);
    return agent;
  }

  /** The agent or a 404 envelope (the message most endpoints use). */
  requireAgent(agentId: string): AgentRecord {
    const agent = this.findAgent(agentId);
    if (!agent) throw atomsError(404, 'Agent not found');
    return agent;
  }

  requireDraft(agent: AgentRecord, draftId: string): VersionRecord {
    const draft = agent.drafts.get(draftId);
    if (!draft) throw atomsError(404, 'Draft not found');
    return draft;
  }

  requireVersion(agent: AgentRecord, versionId: string): VersionRecord {
    const version = agent.versions.find((v) => v._id === versionId);
    if (!version) throw atomsError(404, 'Version not found');
    return version;
  }

  /** A published version, else the latest revision of a draft, by `_id` (as `/versions/diff` does). */
  findVersionOrDraftRevision(agent: AgentRecord, id: string): VersionRecord | undefined {
    return agent.versions.find((v) => v._id === id) ?? [...agent.drafts.values()].find((d) => d._id === id);
  }

  activeRecord(agent: AgentRecord): VersionRecord {
    return agent.versions.find((v) => v._id === agent.activeVersionId)!;
  }

  // ---- agents ----------------------------------------------------------------------------

  /** `POST /agent`: validates, creates the agent and its published, active version 1. */
  createAgentFromBody(body: Record<string, unknown>): string {
    if (typeof body.name !== 'string' || body.name.trim() === '')
      throw atomsError(400, 'Invalid Input: name: Required');
    const workflowType = body.workflowType ?? 'single_prompt';
    if (workflowType !== 'single_prompt' && workflowType !== 'workflow_graph') {
      throw atomsError(400, 'Invalid input: workflowType must be one of "workflow_graph", "single_prompt"');
    }
    const base = defaultConfig(workflowType);
    const error = validateConfigFields(body, base, 'create');
    if (error) throw atomsError(400, error);
    if (
      typeof body.slmModel === 'string' &&
      GATED_MODELS.includes(body.slmModel) &&
      !this.options.allowGatedModels
    ) {
      throw atomsError(403, `Model ${body.slmModel} is not available for your organization`);
    }
    const meta = this.checkMetadata(body);
    const config: AtomsConfig = { ...base };
    for (const field of CONFIG_FIELDS) {
      if (body[field] !== undefined) config[field] = cloneJson(body[field]);
    }
    // Documented: the server overrides backgroundSound with its default on creation.
    config.backgroundSound = base.backgroundSound;
    if (config.singlePromptConfig) config.singlePromptConfig.tools ??= [];

    const now = this.clock.now();
    const agentId = objectId(now);
    const version = this.newRecord(agentId, 'published', config, now);
    version.versionNumber = 1;
    version.publishedBy = EMULATOR_USER.id;
    version.publishedAt = now;
    version.activatedBy = EMULATOR_USER.id;
    version.activatedAt = now;
    version.isActive = true;
    version.check = passedSecurityCheck(now);
    const agent: AgentRecord = {
      _id: agentId,
      name: body.name,
      description: typeof meta.description === 'string' ? meta.description : '',
      workflowId: objectId(now),
      avatarUrl: typeof meta.avatarUrl === 'string' ? meta.avatarUrl : null,
      telephonyProductId: Array.isArray(meta.telephonyProductId) ? (meta.telephonyProductId as string[]) : [],
      allowInboundCall: typeof meta.allowInboundCall === 'boolean' ? meta.allowInboundCall : true,
      visibleToEveryone: typeof meta.visibleToEveryone === 'boolean' ? meta.visibleToEveryone : true,
      archived: false,
      archivedAt: null,
      createdAt: now,
      updatedAt: now,
      activeVersionId: version._id,
      versions: [version],
      drafts: new Map(),
      branchModel: null,
    };
    // Under the branch model a new agent's version 1 is revision 1 of its live `Main` branch.
    if (this.migration) this.v2.migrate(agent);
    this.agents.set(agentId, agent);
    return agentId;
  }

  /** `PATCH /agent/{id}`: metadata only on a versioned agent. */
  patchAgent(agentId: string, body: Record<string, unknown>): void {
    const agent = this.requireAgent(agentId);
    if (CONFIG_FIELDS.some((f) => body[f] !== undefined) || body.workflowGraph !== undefined) {
      throw atomsError(400, 'Agent has versioning enabled. Config changes must be made through drafts.');
    }
    const meta = this.checkMetadata(body);
    if (meta.name !== undefined) {
      if (typeof meta.name !== 'string' || meta.name.trim() === '') {
        throw atomsError(400, 'Invalid input: name must be a non-empty string');
      }
      agent.name = meta.name;
    }
    if (typeof meta.description === 'string') agent.description = meta.description;
    if (meta.avatarUrl !== undefined) agent.avatarUrl = meta.avatarUrl as string | null;
    if (meta.telephonyProductId !== undefined)
      agent.telephonyProductId = cloneJson(meta.telephonyProductId as string[]);
    if (typeof meta.allowInboundCall === 'boolean') agent.allowInboundCall = meta.allowInboundCall;
    if (typeof meta.visibleToEveryone === 'boolean') agent.visibleToEveryone = meta.visibleToEveryone;
    agent.updatedAt = this.clock.now();
  }

  private checkMetadata(body: Record<string, unknown>): Record<string, unknown> {
    const fail = (msg: string) => {
      throw atomsError(400, `Invalid input: ${msg}`);
    };
    if (body.description !== undefined && typeof body.description !== 'string')
      fail('description must be a string');
    if (body.avatarUrl !== undefined && body.avatarUrl !== null && typeof body.avatarUrl !== 'string') {
      fail('avatarUrl must be a string');
    }
    if (
      body.telephonyProductId !== undefined &&
      !(Array.isArray(body.telephonyProductId) && body.telephonyProductId.every((x) => typeof x === 'string'))
    ) {
      fail('telephonyProductId must be an array of strings');
    }
    for (const key of ['allowInboundCall', 'visibleToEveryone']) {
      if (body[key] !== undefined && typeof body[key] !== 'boolean') fail(`${key} must be a boolean`);
    }
    return body;
  }

  /** `DELETE /agent/{id}/archive?on=`. */
  setArchived(agentId: string, on: boolean): string {
    const agent = this.requireAgent(agentId);
    if (agent.archived === on) {
      throw atomsError(409, on ? 'Agent is already archived' : 'Agent is already active');
    }
    agent.archived = on;
    agent.archivedAt = on ? this.clock.now() : null;
    agent.updatedAt = this.clock.now();
    return on ? 'Agent archived' : 'Agent unarchived';
  }

  /** `GET /agent/{id}`: the `AgentDTO`, resolved from the active version, a draft or a version. */
  agentView(agent: AgentRecord, source?: { draftId?: string; versionId?: string }): AtomsAgent {
    const active = this.activeRecord(agent);
    let target = active;
    let configSource: AtomsAgent['_configSource'];
    if (source?.draftId !== undefined) {
      target = this.requireDraft(agent, source.draftId);
      configSource = 'draft';
    } else if (source?.versionId !== undefined) {
      target = this.requireVersion(agent, source.versionId);
      configSource = 'version';
    }
    const resolved = flattenResolvedConfig(target.config);
    // Fields the spec does not declare nullable are left out when the agent has no value.
    const view = withoutNulls({
      _id: agent._id,
      name: agent.name,
      description: agent.description,
      workflowId: agent.workflowId,
      workflowType: String(active.config.workflowType ?? 'single_prompt'),
      activeVersionId: agent.activeVersionId,
      versionId: agent.activeVersionId,
      archived: agent.archived,
      archivedAt: iso(agent.archivedAt),
      avatarUrl: agent.avatarUrl,
      telephonyProductId: [...agent.telephonyProductId],
      allowInboundCall: agent.allowInboundCall,
      visibleToEveryone: agent.visibleToEveryone,
      phoneNumber: [],
      language: active.config.language,
      synthesizer: active.config.synthesizer,
      slmModel: active.config.slmModel,
      transcriberType: active.config.transcriberType,
      createdAt: iso(agent.createdAt)!,
      updatedAt: iso(agent.updatedAt)!,
      _resolvedConfig: resolved,
      _versionedWorkflow: withoutNulls({
        prompt: resolved.prompt,
        tools: resolved.tools,
        workflowGraph: resolved.workflowGraph,
      }),
    }) as unknown as AtomsAgent;
    if (configSource) view._configSource = configSource;
    return cloneJson(view);
  }

  // ---- drafts ----------------------------------------------------------------------------

  /** `POST /agent/{id}/drafts`: ids already shape-checked by the route. */
  fork(
    agent: AgentRecord,
    input: { sourceVersionId?: string; sourceDraftId?: string; draftName?: string },
  ): VersionRecord {
    let config: AtomsConfig;
    let sourceVersionId: string;
    if (input.sourceDraftId !== undefined) {
      const source = agent.drafts.get(input.sourceDraftId);
      if (!source) throw atomsError(404, 'Source draft not found');
      if (input.sourceVersionId !== undefined) this.requireSourceVersion(agent, input.sourceVersionId);
      config = source.config;
      sourceVersionId = input.sourceVersionId ?? source.sourceVersionId!;
    } else {
      config = this.requireSourceVersion(agent, input.sourceVersionId!).config;
      sourceVersionId = input.sourceVersionId!;
    }
    const now = this.clock.now();
    const draft = this.newRecord(agent._id, 'draft', cloneJson(config), now);
    draft.draftId = `draft_${randomHex(12)}`;
    draft.draftName = input.draftName ?? null;
    draft.draftRevision = 0;
    draft.sourceVersionId = sourceVersionId;
    draft.parentVersion = sourceVersionId;
    agent.drafts.set(draft.draftId, draft);
    return draft;
  }

  private requireSourceVersion(agent: AgentRecord, versionId: string): VersionRecord {
    const version = agent.versions.find((v) => v._id === versionId);
    if (!version) throw atomsError(404, 'Source version not found');
    return version;
  }

  /**
   * `PATCH .../config`: recognised top-level fields replace the stored value wholesale. Each
   * call is a new revision row (new `_id`, rotated block ids of the changed sections).
   */
  patchDraftConfig(draft: VersionRecord, body: Record<string, unknown>): VersionRecord {
    const fields = CONFIG_FIELDS.filter((f) => body[f] !== undefined);
    if (fields.length === 0) throw atomsError(400, 'No recognized config fields');
    const error = validateConfigFields(body, draft.config, 'draft');
    if (error) throw atomsError(400, error);
    const after: AtomsConfig = { ...cloneJson(draft.config) };
    for (const field of fields) after[field] = cloneJson(body[field]);
    if (body.singlePromptConfig !== undefined) {
      const spc = body.singlePromptConfig as { prompt: string; tools?: unknown[] };
      // The documented hazard: the schema default for tools is [], so omitting them clears them.
      after.singlePromptConfig = { prompt: spc.prompt, tools: cloneJson(spc.tools ?? []) };
    }
    this.applyDraftConfig(draft, after);
    return draft;
  }

  /**
   * Stores a draft's new config as its next revision (new `_id`, `draftRevision + 1`, rotated
   * block ids of the changed sections, an edit-history entry) and returns the changed sections.
   */
  applyDraftConfig(draft: VersionRecord, after: AtomsConfig): AtomsSection[] {
    const sections = changedSections(draft.config, after);
    const now = this.clock.now();
    draft.config = after;
    draft._id = objectId(now);
    draft.draftRevision = (draft.draftRevision ?? 0) + 1;
    draft.updatedAt = now;
    for (const section of sections) draft.blocks[section] = objectId(now);
    draft.editHistory.push({
      revision: draft.draftRevision,
      changedSections: sections,
      editorName: EMULATOR_USER.name,
      editorId: EMULATOR_USER.id,
      timestamp: iso(now)!,
    });
    draft.lastEditorName = EMULATOR_USER.name;
    return sections;
  }

  renameDraft(draft: VersionRecord, draftName: string): void {
    draft.draftName = draftName;
    draft.updatedAt = this.clock.now();
  }

  discardDraft(agent: AgentRecord, draftId: string): void {
    const draft = this.requireDraft(agent, draftId);
    draft.status = 'archived';
    agent.drafts.delete(draftId);
  }

  /** `POST .../publish`: a new, inactive version; `activate` is deliberately not honoured. */
  publish(agent: AgentRecord, draftId: string, meta: { label: string | null; description: string | null }) {
    const draft = this.requireDraft(agent, draftId);
    const now = this.clock.now();
    const version = this.newRecord(agent._id, 'published', cloneJson(draft.config), now);
    version.versionNumber = Math.max(0, ...agent.versions.map((v) => v.versionNumber ?? 0)) + 1;
    version.label = meta.label;
    version.description = meta.description;
    version.publishedBy = EMULATOR_USER.id;
    version.publishedAt = now;
    version.sourceVersionId = draft.sourceVersionId;
    version.parentVersion = draft.sourceVersionId;
    version.blocks = { ...draft.blocks };
    version.check = startSecurityCheck(
      this.options.securityCheck,
      {
        agentId: agent._id,
        versionId: version._id,
        versionNumber: version.versionNumber,
        config: version.config,
      },
      now,
    );
    agent.versions.push(version);
    agent.drafts.delete(draftId);
    draft.status = 'published';
    agent.updatedAt = now;
    return version;
  }

  // ---- versions --------------------------------------------------------------------------

  /** `PATCH .../activate`: idempotent; refused until the security check passed. */
  activate(agent: AgentRecord, versionId: string): VersionRecord {
    const version = this.requireVersion(agent, versionId);
    if (version.isActive) return version;
    const now = this.clock.now();
    const check = version.check;
    if (check && isCheckPending(check, now)) {
      throw new HttpError({
        status: this.pendingStatus,
        body: {
          status: false,
          errors: ['Security check pending for this version. Retry activation once the check has passed.'],
        },
      });
    }
    if (check && check.outcome !== 'passed') {
      throw atomsError(400, `Security check failed: ${check.reason ?? check.outcome}`);
    }
    for (const v of agent.versions) v.isActive = false;
    version.isActive = true;
    version.activatedAt = now;
    version.activatedBy = EMULATOR_USER.id;
    version.updatedAt = now;
    agent.activeVersionId = version._id;
    agent.updatedAt = now;
    return version;
  }

  /**
   * Published versions newest first. The list is kept in publish order, so this is the
   * `versionNumber` order on v1 and stays right for v2 revisions (which have no v1 number).
   */
  publishedNewestFirst(agent: AgentRecord): VersionRecord[] {
    return [...agent.versions].reverse();
  }

  // ---- views -----------------------------------------------------------------------------

  /** The `AgentVersion` row as the API shows it (no config). */
  versionView(record: VersionRecord): AtomsVersion {
    const view: AtomsVersion = {
      _id: record._id,
      agent: record.agent,
      status: record.status,
      versionNumber: record.versionNumber,
      label: record.label,
      description: record.description,
      isPinned: record.isPinned,
      publishedBy: record.publishedBy,
      publishedAt: iso(record.publishedAt),
      activatedBy: record.activatedBy,
      activatedAt: iso(record.activatedAt),
      draftId: record.draftId,
      draftName: record.draftName,
      draftRevision: record.draftRevision,
      sourceVersionId: record.sourceVersionId,
      parentVersion: record.parentVersion,
      blocks: { ...record.blocks },
      workflowType: String(record.config.workflowType ?? 'single_prompt'),
      isActive: record.isActive,
      createdBy: record.createdBy,
      createdAt: iso(record.createdAt)!,
      updatedAt: iso(record.updatedAt)!,
    };
    if (this.exposeSecurityCheck) {
      view.securityCheck = record.check ? securityCheckView(record.check, this.clock.now()) : null;
    }
    return view;
  }

  private snapshot(record: VersionRecord): AtomsVersionSnapshot {
    const view: AtomsVersionSnapshot = { ...this.versionView(record), config: cloneJson(record.config) };
    // State helpers always show the check, whatever the HTTP exposure setting.
    view.securityCheck = record.check ? securityCheckView(record.check, this.clock.now()) : null;
    return view;
  }

  private draftSnapshot(record: VersionRecord): AtomsDraftSnapshot {
    return {
      ...this.snapshot(record),
      editHistory: cloneJson(record.editHistory),
      lastEditorName: record.lastEditorName,
    };
  }

  draftHistory(record: VersionRecord): AtomsDraftEdit[] {
    return cloneJson(record.editHistory);
  }

  /** A fresh `AgentVersion` row (new ids, nothing published). */
  newRecord(
    agentId: string,
    status: VersionRecord['status'],
    config: AtomsConfig,
    now: number,
  ): VersionRecord {
    return {
      _id: objectId(now),
      agent: agentId,
      status,
      versionNumber: null,
      label: null,
      description: null,
      isPinned: false,
      publishedBy: null,
      publishedAt: null,
      activatedBy: null,
      activatedAt: null,
      draftId: null,
      draftName: null,
      draftRevision: null,
      sourceVersionId: null,
      parentVersion: null,
      blocks: Object.fromEntries(ATOMS_SECTIONS.map((s) => [s, objectId(now)])) as AtomsVersionBlocks,
      isActive: false,
      createdBy: EMULATOR_USER.id,
      createdAt: now,
      updatedAt: now,
      branch: null,
      revisionNumber: null,
      sourceDraftId: null,
      restoredFromRevisionId: null,
      restoredFromLabel: null,
      config,
      check: null,
      editHistory: [],
      lastEditorName: null,
    };
  }

  // ---- AtomsEmulatorState ----------------------------------------------------------------

  createAgent(input: AtomsCreateAgentInput): string {
    const { prompt, tools, ...rest } = input;
    const body: Record<string, unknown> = { ...rest };
    if (prompt !== undefined || tools !== undefined) {
      const given = isPlainObject(rest.singlePromptConfig) ? rest.singlePromptConfig : {};
      body.singlePromptConfig = {
        ...given,
        prompt: prompt ?? given.prompt ?? '',
        tools: tools ?? given.tools ?? [],
      };
    }
    return this.createAgentFromBody(body);
  }

  agent(agentId: string): AtomsAgent | undefined {
    const agent = this.findAgent(agentId);
    return agent ? this.agentView(agent) : undefined;
  }

  agentIds(): string[] {
    return [...this.agents.keys()];
  }

  versions(agentId: string): AtomsVersionSnapshot[] {
    const agent = this.findAgent(agentId);
    return agent ? this.publishedNewestFirst(agent).map((v) => this.snapshot(v)) : [];
  }

  version(agentId: string, versionId: string): AtomsVersionSnapshot | undefined {
    const record = this.findAgent(agentId)?.versions.find((v) => v._id === versionId);
    return record ? this.snapshot(record) : undefined;
  }

  activeVersionId(agentId: string): string | null {
    return this.findAgent(agentId)?.activeVersionId ?? null;
  }

  activeVersion(agentId: string): AtomsVersionSnapshot | undefined {
    const agent = this.findAgent(agentId);
    return agent ? this.snapshot(this.activeRecord(agent)) : undefined;
  }

  drafts(agentId: string): AtomsDraftSnapshot[] {
    const agent = this.findAgent(agentId);
    return agent ? [...agent.drafts.values()].map((d) => this.draftSnapshot(d)) : [];
  }

  draft(agentId: string, draftId: string): AtomsDraftSnapshot | undefined {
    const record = this.findAgent(agentId)?.drafts.get(draftId);
    return record ? this.draftSnapshot(record) : undefined;
  }

  completeSecurityCheck(agentId: string, versionId: string): void {
    const agent = this.agents.get(agentId);
    // A v2 scan is on the draft row, whose `_id` is the revision id it commits under.
    const record = agent && this.v2.findRevision(agent, versionId);
    if (!record?.check) throw new Error(`No security check for version ${versionId} of agent ${agentId}`);
    record.check.completesAt = Math.min(record.check.completesAt, this.clock.now());
    this.v2.settle(agent!);
  }

  branches(agentId: string): AtomsBranchSummary[] {
    const agent = this.findAgent(agentId);
    return agent ? this.v2.branches(agent) : [];
  }

  liveBranchId(agentId: string): string | null {
    return this.findAgent(agentId)?.branchModel?.liveBranchId ?? null;
  }

  revisions(agentId: string, branchId: string): AtomsRevisionSnapshot[] {
    const agent = this.findAgent(agentId);
    return agent ? this.v2.revisions(agent, branchId) : [];
  }

  branchDraft(agentId: string, branchId: string): AtomsBranchDraftSnapshot | undefined {
    const agent = this.findAgent(agentId);
    return agent ? this.v2.branchDraft(agent, branchId) : undefined;
  }
}

export type { AgentRecord as AtomsAgentRecord, VersionRecord as AtomsVersionRecord };
