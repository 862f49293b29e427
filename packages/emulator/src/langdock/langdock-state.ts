import { HttpError } from '../kit/http-kit.js';
import { uuid } from '../kit/ids.js';
import { cloneJson, deepEqual } from '../kit/json-utils.js';
import type { EmulatorClock } from '../kit/types.js';
import {
  applyAgentFields,
  CREATE_FIELDS,
  defaultAgentConfig,
  type LangdockAgentConfig,
  UPDATE_FIELDS,
  validateAgentFields,
} from './langdock-schema.js';

/** An agent as `GET /agent/v1/get` returns it. */
export interface LangdockAgent extends LangdockAgentConfig {
  id: string;
  createdAt: string;
  updatedAt: string;
  disabled: boolean;
}

/** A published version (not reachable over HTTP: Langdock has no version endpoints). */
export interface LangdockVersion {
  id: string;
  version: number;
  createdAt: string;
  description: string | null;
  config: LangdockAgentConfig;
}

/** Seeding input for `state.createAgent`. */
export interface LangdockCreateAgentInput extends Partial<LangdockAgentConfig> {
  name: string;
  /** Also publish the agent once, so it has an active version 1. Default false. */
  publish?: boolean;
}

/** Inspection and seeding helpers of the Langdock emulator (`emulator.state`). Returns copies. */
export interface LangdockEmulatorState {
  /** Creates an agent exactly as `POST /agent/v1/create` would (optionally publishing it). */
  createAgent(input: LangdockCreateAgentInput): string;
  /** The agent as `GET /agent/v1/get` returns it (latest published config, else the draft). */
  agent(agentId: string): LangdockAgent | undefined;
  agentIds(): string[];
  /** The single implicit draft. */
  draft(agentId: string): LangdockAgentConfig | undefined;
  /** Published versions, newest first. */
  versions(agentId: string): LangdockVersion[];
  /** The latest published version (publish means active), or null. */
  activeVersion(agentId: string): LangdockVersion | null;
  isDisabled(agentId: string): boolean;
  /** Makes the agent answer 403 for `apiKey` (every key when omitted), as if not shared with it. */
  forbidAgent(agentId: string, apiKey?: string): void;
  /** Undoes `forbidAgent` for `apiKey` (every key when omitted). */
  allowAgent(agentId: string, apiKey?: string): void;
}

interface VersionRecord {
  id: string;
  version: number;
  createdAt: number;
  description: string | null;
  config: LangdockAgentConfig;
}

interface AgentRecord {
  id: string;
  createdAt: number;
  updatedAt: number;
  /** Creation sequence, to order agents created within the same millisecond. */
  seq: number;
  disabled: boolean;
  draft: LangdockAgentConfig;
  versions: VersionRecord[];
}

const ALL_KEYS = '*';

/** Langdock's plain `{message}` error. */
export function langdockError(status: number, message: string): HttpError {
  return new HttpError({ status, body: { message } });
}

/**
 * Agents of the Langdock emulator: one implicit draft each, published versions that become
 * active at once, and per-key sharing rules.
 */
export class LangdockStore implements LangdockEmulatorState {
  private readonly agents = new Map<string, AgentRecord>();
  private readonly forbidden = new Map<string, Set<string>>();
  private seq = 0;

  constructor(
    private readonly clock: EmulatorClock,
    private readonly defaultModel: string,
  ) {}

  /** Throws 404 / 403 unless the agent exists and is shared with `apiKey`. */
  requireAgent(agentId: string, apiKey: string): AgentRecord {
    const agent = this.agents.get(agentId);
    if (!agent) throw langdockError(404, 'Agent not found');
    if (!this.canAccess(agentId, apiKey)) {
      throw langdockError(403, 'The API key does not have access to this agent');
    }
    return agent;
  }

  canAccess(agentId: string, apiKey: string): boolean {
    const keys = this.forbidden.get(agentId);
    return !keys || (!keys.has(ALL_KEYS) && !keys.has(apiKey));
  }

  /** `POST /agent/v1/create`. */
  create(body: Record<string, unknown>): AgentRecord {
    if (body.name === undefined) throw langdockError(400, 'name is required');
    const error = validateAgentFields(body, CREATE_FIELDS);
    if (error) throw langdockError(400, error);
    const now = this.clock.now();
    const draft = applyAgentFields(
      defaultAgentConfig(String(body.name), this.defaultModel),
      body,
      CREATE_FIELDS,
    );
    const record: AgentRecord = {
      id: uuid(),
      createdAt: now,
      updatedAt: now,
      seq: this.seq++,
      disabled: false,
      draft,
      versions: [],
    };
    this.agents.set(record.id, record);
    return record;
  }

  /** `PATCH /agent/v1/update`: changes the draft only. */
  update(agent: AgentRecord, body: Record<string, unknown>): void {
    const error = validateAgentFields(body, UPDATE_FIELDS);
    if (error) throw langdockError(400, error);
    agent.draft = applyAgentFields(agent.draft, body, UPDATE_FIELDS);
    agent.updatedAt = this.clock.now();
  }

  /** `POST /agent/v1/publish`: a new active version, or 409 when the draft is unchanged. */
  publish(agent: AgentRecord, description: string | null): VersionRecord {
    const latest = agent.versions.at(-1);
    if (latest && deepEqual(latest.config, agent.draft)) {
      throw langdockError(409, 'No draft changes to publish');
    }
    const now = this.clock.now();
    const version: VersionRecord = {
      id: uuid(),
      version: (latest?.version ?? 0) + 1,
      createdAt: now,
      description,
      config: cloneJson(agent.draft),
    };
    agent.versions.push(version);
    agent.updatedAt = now;
    return version;
  }

  setDisabled(agent: AgentRecord, disabled: boolean): void {
    agent.disabled = disabled;
    agent.updatedAt = this.clock.now();
  }

  /** Agents visible to `apiKey`, newest first. */
  listFor(apiKey: string): AgentRecord[] {
    return [...this.agents.values()]
      .filter((a) => this.canAccess(a.id, apiKey))
      .sort((a, b) => b.createdAt - a.createdAt || b.seq - a.seq);
  }

  /** What `get` and `list` show: the latest published config, or the draft if never published. */
  view(agent: AgentRecord): LangdockAgent {
    const config = agent.versions.at(-1)?.config ?? agent.draft;
    return {
      id: agent.id,
      ...cloneJson(config),
      createdAt: new Date(agent.createdAt).toISOString(),
      updatedAt: new Date(agent.updatedAt).toISOString(),
      disabled: agent.disabled,
    };
  }

  // ---- LangdockEmulatorState ---------------------------------------------------------------

  createAgent(input: LangdockCreateAgentInput): string {
    const { publish, ...body } = input;
    const agent = this.create(body as Record<string, unknown>);
    if (publish) this.publish(agent, null);
    return agent.id;
  }

  agent(agentId: string): LangdockAgent | undefined {
    const agent = this.agents.get(agentId);
    return agent ? this.view(agent) : undefined;
  }

  agentIds(): string[] {
    return [...this.agents.keys()];
  }

  draft(agentId: string): LangdockAgentConfig | undefined {
    const agent = this.agents.get(agentId);
    return agent ? cloneJson(agent.draft) : undefined;
  }

  versions(agentId: string): LangdockVersion[] {
    const agent = this.agents.get(agentId);
    return agent ? [...agent.versions].reverse().map(versionView) : [];
  }

  activeVersion(agentId: string): LangdockVersion | null {
    const latest = this.agents.get(agentId)?.versions.at(-1);
    return latest ? versionView(latest) : null;
  }

  isDisabled(agentId: string): boolean {
    return this.agents.get(agentId)?.disabled ?? false;
  }

  forbidAgent(agentId: string, apiKey: string = ALL_KEYS): void {
    const keys = this.forbidden.get(agentId) ?? new Set<string>();
    keys.add(apiKey);
    this.forbidden.set(agentId, keys);
  }

  allowAgent(agentId: string, apiKey?: string): void {
    if (apiKey === undefined) this.forbidden.delete(agentId);
    else this.forbidden.get(agentId)?.delete(apiKey);
  }
}

function versionView(v: VersionRecord): LangdockVersion {
  return {
    id: v.id,
    version: v.version,
    createdAt: new Date(v.createdAt).toISOString(),
    description: v.description,
    config: cloneJson(v.config),
  };
}

export type { AgentRecord as LangdockAgentRecord };
