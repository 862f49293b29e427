import { isPlainObject } from '../kit/json-utils.js';
import type {
  AtomsAgent,
  AtomsAgentRecord,
  AtomsCreateAgentInput,
  AtomsDraftSnapshot,
  AtomsVersionSnapshot,
} from './atoms-records.js';
import type { AtomsSecurityCheckOptions } from './atoms-security-check.js';
import type { AtomsV1StoreOptions } from './v1/atoms-v1-agents.js';
import { AtomsV1Store } from './v1/atoms-v1-store.js';
import type {
  AtomsBranchDraftSnapshot,
  AtomsBranchSummary,
  AtomsRevisionSnapshot,
  AtomsV2Readings,
  AtomsVersioning,
} from './v2/atoms-v2-model.js';
import { AtomsBranchStore } from './v2/atoms-v2-state.js';

export type {
  AtomsAgent,
  AtomsAgentRecord,
  AtomsCreateAgentInput,
  AtomsDraftEdit,
  AtomsDraftSnapshot,
  AtomsVersion,
  AtomsVersionBlocks,
  AtomsVersionRecord,
  AtomsVersionSnapshot,
} from './atoms-records.js';

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

export interface AtomsStoreOptions extends AtomsV1StoreOptions {
  securityCheck: AtomsSecurityCheckOptions;
  /** The server runs the v2 branch model (`versioning: 'v2'` or `migrationRequired: true`). */
  migrationRequired: boolean;
  configFreeze?: boolean;
  readings?: AtomsV2Readings;
}

/**
 * The Atoms emulator's store: the v1 store with the branch model on top (`v2`), the server-wide
 * switches (branch model, config freeze) and the state helpers tests use. The v1 layers know
 * nothing of v2; this class wires v2 into their hooks.
 */
export class AtomsStore extends AtomsV1Store implements AtomsEmulatorState {
  private migration: boolean;
  private freeze: boolean;
  /** The v2 branch model operations. */
  readonly v2: AtomsBranchStore;

  constructor(options: AtomsStoreOptions) {
    super(options);
    this.migration = options.migrationRequired;
    this.freeze = options.configFreeze ?? false;
    this.v2 = new AtomsBranchStore(this, options.securityCheck, options.readings);
  }

  /** Applies every v2 scan that completed meanwhile. */
  protected override settle(agent: AtomsAgentRecord): void {
    this.v2.settle(agent);
  }

  /** Under the branch model a new agent's version 1 is revision 1 of its live `Main` branch. */
  protected override agentCreated(agent: AtomsAgentRecord): void {
    if (this.migration) this.v2.migrate(agent);
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
    return this.migration || this.v2.isMigrated(agentId);
  }

  get configFreeze(): boolean {
    return this.freeze;
  }

  setConfigFreeze(on: boolean): void {
    this.freeze = on;
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
    const agent = this.findAgent(agentId);
    return (agent && this.v2.modelOf(agent)?.liveBranchId) ?? null;
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
