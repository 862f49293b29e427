import { randomHex } from '../kit/ids.js';
import { cloneJson } from '../kit/json-utils.js';
import type { EmulatorClock } from '../kit/types.js';
import { MISSING_ASSET, MISSING_VERSION, publishedImmutable, retellError } from './retell-errors.js';
import { DEFAULT_AGENT_CONFIG, DEFAULT_LLM_CONFIG } from './retell-fields.js';
import type { AgentRecord, TagRecord, VersionRecord } from './retell-records.js';

/** Names a binding may use that can never be tags. */
const RESERVED_TAGS = new Set(['latest', 'latest_published']);

/**
 * Agents, their integer versions (V0, V1, …, several drafts at once, published ones frozen),
 * their Retell LLMs (same version numbers, published together) and environment tags.
 */
export class RetellStore {
  private readonly agents = new Map<string, AgentRecord>();
  private readonly llmOwners = new Map<string, string>();
  private seq = 0;

  constructor(private readonly clock: EmulatorClock) {}

  /** Seeds an agent with a draft V0 and its LLM. */
  create(agentFields: Record<string, unknown>, llmFields: Record<string, unknown>): AgentRecord {
    const now = this.clock.now();
    const agent: AgentRecord = {
      agentId: `agent_${randomHex(13)}`,
      llmId: `llm_${randomHex(13)}`,
      seq: this.seq++,
      userModifiedAt: now,
      versions: new Map(),
      tags: new Map(),
      rootRevision: 1,
    };
    agent.versions.set(0, {
      version: 0,
      isPublished: false,
      baseVersion: null,
      publishedSeq: null,
      agent: { ...cloneJson(DEFAULT_AGENT_CONFIG), ...cloneJson(agentFields) },
      llm: { ...cloneJson(DEFAULT_LLM_CONFIG), ...cloneJson(llmFields) },
      agentModifiedAt: now,
      llmModifiedAt: now,
    });
    this.agents.set(agent.agentId, agent);
    this.llmOwners.set(agent.llmId, agent.agentId);
    return agent;
  }

  find(agentId: string): AgentRecord | undefined {
    return this.agents.get(agentId);
  }

  /** The agent, or the status the calling operation declares for a missing one. */
  require(agentId: string, status: number = MISSING_ASSET): AgentRecord {
    const agent = this.agents.get(agentId);
    if (!agent) throw retellError(status, `Cannot find agent ${agentId} under given api key.`);
    return agent;
  }

  /** The agent owning an LLM id. */
  requireByLlm(llmId: string): AgentRecord {
    const agentId = this.llmOwners.get(llmId);
    if (agentId === undefined)
      throw retellError(MISSING_ASSET, `Cannot find Retell LLM ${llmId} under given api key.`);
    return this.require(agentId);
  }

  /** Every agent, in creation order. */
  list(): AgentRecord[] {
    return [...this.agents.values()].sort((a, b) => a.seq - b.seq);
  }

  /** Versions in ascending order. */
  versionsOf(agent: AgentRecord): VersionRecord[] {
    return [...agent.versions.values()].sort((a, b) => a.version - b.version);
  }

  /** `version` or, when omitted, the latest (highest-numbered) version. */
  version(agent: AgentRecord, version: number | undefined, status: number = MISSING_VERSION): VersionRecord {
    const found = version === undefined ? this.versionsOf(agent).at(-1) : agent.versions.get(version);
    if (!found) throw retellError(status, `Agent ${agent.agentId} has no version ${version}.`);
    return found;
  }

  /**
   * The version an update edits: `version`, or the latest draft when omitted. Published
   * versions are refused, as Retell refuses them.
   */
  editable(agent: AgentRecord, version: number | undefined, kind: 'agent' | 'Retell LLM'): VersionRecord {
    if (version === undefined) {
      const draft = this.versionsOf(agent)
        .filter((v) => !v.isPublished)
        .at(-1);
      if (draft) return draft;
      const latest = this.version(agent, undefined);
      throw publishedImmutable(kind, latest.version);
    }
    const target = this.version(agent, version, MISSING_ASSET);
    if (target.isPublished) throw publishedImmutable(kind, target.version);
    return target;
  }

  updateAgentFields(agent: AgentRecord, target: VersionRecord, fields: Record<string, unknown>): void {
    const { response_engine: engine, ...rest } = fields;
    if (engine !== undefined) this.checkEngine(agent, engine);
    Object.assign(target.agent, cloneJson(rest));
    target.agentModifiedAt = this.clock.now();
    agent.userModifiedAt = target.agentModifiedAt;
  }

  updateLlmFields(agent: AgentRecord, target: VersionRecord, fields: Record<string, unknown>): void {
    Object.assign(target.llm, cloneJson(fields));
    target.llmModifiedAt = this.clock.now();
    agent.userModifiedAt = target.llmModifiedAt;
  }

  /** `create-agent-version`: a new draft numbered after the highest, copied from its base. */
  branch(agent: AgentRecord, baseVersion: number): VersionRecord {
    const base = this.version(agent, baseVersion);
    const now = this.clock.now();
    const { version_title: _title, version_description: _description, ...agentConfig } = base.agent;
    const draft: VersionRecord = {
      version: (this.versionsOf(agent).at(-1)?.version ?? -1) + 1,
      isPublished: false,
      baseVersion: base.version,
      publishedSeq: null,
      agent: cloneJson(agentConfig),
      llm: cloneJson(base.llm),
      agentModifiedAt: now,
      llmModifiedAt: now,
    };
    agent.versions.set(draft.version, draft);
    agent.userModifiedAt = now;
    return draft;
  }

  /** `publish-agent-version`: freezes a draft in place, its LLM version with it. */
  publish(agent: AgentRecord, version: number, labels: Record<string, unknown>): void {
    const target = this.version(agent, version);
    if (target.isPublished) throw retellError(400, `Agent version ${version} is already published.`);
    for (const key of ['version_title', 'version_description'] as const) {
      if (labels[key] !== undefined) target.agent[key] = labels[key];
    }
    target.isPublished = true;
    target.publishedSeq = this.seq++;
    target.agentModifiedAt = this.clock.now();
  }

  /** `delete-agent-version`; refused while a tag points at the version (phone pins: see caller). */
  remove(agent: AgentRecord, version: number): void {
    this.version(agent, version);
    if (agent.versions.size === 1) throw retellError(400, 'Cannot delete the only version of an agent.');
    const tag = [...agent.tags].find(([, t]) => t.version === version)?.[0];
    if (tag !== undefined) {
      throw retellError(
        400,
        `Cannot delete version ${version}: tag "${tag}" points at it. Move the tag first.`,
      );
    }
    agent.versions.delete(version);
  }

  /** The most recently published version, or undefined. */
  latestPublished(agent: AgentRecord): VersionRecord | undefined {
    return this.versionsOf(agent)
      .filter((v) => v.publishedSeq !== null)
      .sort((a, b) => (a.publishedSeq ?? 0) - (b.publishedSeq ?? 0))
      .at(-1);
  }

  /** Tag names pointing at `version`, the most recently assigned (preferred) first. */
  assignedTags(agent: AgentRecord, version: number): string[] {
    return [...agent.tags]
      .filter(([, tag]) => tag.version === version)
      .sort(([, a], [, b]) => b.assignedSeq - a.assignedSeq)
      .map(([name]) => name);
  }

  /**
   * Merges a tag patch (`update-agent-root`): absent tags and fields stay, `null` deletes.
   * Returns the deleted tag names, so phone bindings following them can be dropped.
   */
  patchTags(agent: AgentRecord, patch: Record<string, unknown>): string[] {
    const next = new Map(agent.tags);
    const deleted: string[] = [];
    for (const [name, value] of Object.entries(patch)) {
      if (value === null) {
        if (next.delete(name)) deleted.push(name);
        continue;
      }
      next.set(name, this.mergeTag(agent, name, next.get(name), value));
    }
    agent.tags = next;
    agent.rootRevision += 1;
    agent.userModifiedAt = this.clock.now();
    return deleted;
  }

  private mergeTag(
    agent: AgentRecord,
    name: string,
    current: TagRecord | undefined,
    value: unknown,
  ): TagRecord {
    if (name === '' || RESERVED_TAGS.has(name) || /^\d+$/.test(name)) {
      throw retellError(400, `"${name}" cannot be a tag name: it would read as a version reference.`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw retellError(400, `tags.${name} must be an object or null.`);
    }
    const { version, dynamic_variables: variables, ...unknown } = value as Record<string, unknown>;
    const extra = Object.keys(unknown)[0];
    if (extra !== undefined) throw retellError(400, `tags.${name}: unknown field "${extra}".`);
    const merged: TagRecord = { ...current, assignedSeq: current?.assignedSeq ?? this.seq++ };
    if (version !== undefined) {
      if (typeof version !== 'number' || !agent.versions.has(version)) {
        throw retellError(400, `tags.${name}.version must be an existing version of agent ${agent.agentId}.`);
      }
      if (version !== current?.version) merged.assignedSeq = this.seq++;
      merged.version = version;
    }
    if (variables !== undefined) merged.dynamic_variables = checkVariables(name, variables);
    return merged;
  }

  private checkEngine(agent: AgentRecord, engine: unknown): void {
    const e = engine as { type?: unknown; llm_id?: unknown } | null;
    if (e?.type !== 'retell-llm' || e.llm_id !== agent.llmId) {
      throw retellError(
        400,
        `response_engine must stay { type: 'retell-llm', llm_id: '${agent.llmId}' } here.`,
      );
    }
  }
}

function checkVariables(tag: string, value: unknown): Record<string, string> {
  const ok =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string');
  if (!ok) throw retellError(400, `tags.${tag}.dynamic_variables must map names to strings.`);
  return cloneJson(value as Record<string, string>);
}
