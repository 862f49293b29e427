import { objectId } from '../../kit/ids.js';
import { cloneJson } from '../../kit/json-utils.js';
import type { EmulatorClock } from '../../kit/types.js';
import {
  ATOMS_SECTIONS,
  type AtomsConfig,
  CONFIG_FIELDS,
  defaultConfig,
  flattenResolvedConfig,
  GATED_MODELS,
  withoutNulls,
} from '../atoms-config.js';
import { validateConfigFields } from '../atoms-config-checks.js';
import type {
  AtomsAgent,
  AtomsAgentRecord,
  AtomsVersionBlocks,
  AtomsVersionRecord,
} from '../atoms-records.js';
import { atomsError } from '../atoms-responses.js';
import { type AtomsSecurityCheckOptions, passedSecurityCheck } from '../atoms-security-check.js';
import { EMULATOR_USER, iso } from '../atoms-user.js';

export interface AtomsV1StoreOptions {
  clock: EmulatorClock;
  securityCheck: AtomsSecurityCheckOptions;
  allowGatedModels: boolean;
}

/**
 * Agents of the Atoms emulator: lookups, create, metadata, archive and the `AgentDTO` view.
 * Request parsing lives in the route files; everything here takes already-shaped input and
 * throws vendor-shaped `HttpError`s for domain failures. A layer on top (the branch model) can
 * hook `settle` (before every read) and `agentCreated`.
 */
export class AtomsAgentStore {
  protected readonly agents = new Map<string, AtomsAgentRecord>();
  protected readonly clock: EmulatorClock;

  constructor(protected readonly options: AtomsV1StoreOptions) {
    this.clock = options.clock;
  }

  /** Called with the agent before every lookup hands it out. */
  protected settle(_agent: AtomsAgentRecord): void {}

  /** Called with a new agent before it is stored. */
  protected agentCreated(_agent: AtomsAgentRecord): void {}

  // ---- lookups ---------------------------------------------------------------------------

  now(): number {
    return this.clock.now();
  }

  /** The agent, settled (see `settle`). */
  findAgent(agentId: string): AtomsAgentRecord | undefined {
    const agent = this.agents.get(agentId);
    if (agent) this.settle(agent);
    return agent;
  }

  /** The agent or a 404 envelope (the message most endpoints use). */
  requireAgent(agentId: string): AtomsAgentRecord {
    const agent = this.findAgent(agentId);
    if (!agent) throw atomsError(404, 'Agent not found');
    return agent;
  }

  requireDraft(agent: AtomsAgentRecord, draftId: string): AtomsVersionRecord {
    const draft = agent.drafts.get(draftId);
    if (!draft) throw atomsError(404, 'Draft not found');
    return draft;
  }

  requireVersion(agent: AtomsAgentRecord, versionId: string): AtomsVersionRecord {
    const version = agent.versions.find((v) => v._id === versionId);
    if (!version) throw atomsError(404, 'Version not found');
    return version;
  }

  /** A published version, else the latest revision of a draft, by `_id` (as `/versions/diff` does). */
  findVersionOrDraftRevision(agent: AtomsAgentRecord, id: string): AtomsVersionRecord | undefined {
    return agent.versions.find((v) => v._id === id) ?? [...agent.drafts.values()].find((d) => d._id === id);
  }

  activeRecord(agent: AtomsAgentRecord): AtomsVersionRecord {
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
    const agent: AtomsAgentRecord = {
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
    };
    this.agentCreated(agent);
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
  agentView(agent: AtomsAgentRecord, source?: { draftId?: string; versionId?: string }): AtomsAgent {
    const active = this.activeRecord(agent);
    let target = active;
    let configSource: AtomsAgent['_configSource'];
    if (source?.draftId !== undefined) {
      // The spec does not say which id `?draftId=` takes: the draftId, or the current row's _id.
      const id = source.draftId;
      target = [...agent.drafts.values()].find((d) => d._id === id) ?? this.requireDraft(agent, id);
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

  newRecord(
    agentId: string,
    status: AtomsVersionRecord['status'],
    config: AtomsConfig,
    now: number,
  ): AtomsVersionRecord {
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
      config,
      check: null,
      editHistory: [],
      lastEditorName: null,
    };
  }
}
