import type { HttpError } from '../kit/http-kit.js';
import { cloneJson } from '../kit/json-utils.js';
import type { PhoneNumberStore, RetellDirection } from './retell-phone-numbers.js';
import type { AgentBinding } from './retell-records.js';
import type { RetellStore } from './retell-store.js';
import { agentView, llmView, phoneNumberView, tagsView } from './retell-views.js';

/** Seeding input of `state.createAgent`. */
export interface RetellCreateAgentInput {
  agent_name?: string;
  /** Further agent fields (`voice_id`, `language`, …) as `update-agent` takes them. */
  agent?: Record<string, unknown>;
  /** Retell LLM fields (`general_prompt`, `begin_message`, `model`, `general_tools`, …). */
  llm?: Record<string, unknown>;
  /** Publish V0 at once (then the agent has no draft). Default false. */
  publish?: boolean;
  /** Tags to create, each pointing at V0 (e.g. `['prod']`). */
  tags?: string[];
}

/** One version as the emulator holds it: the agent and its LLM side by side. */
export interface RetellVersionSnapshot {
  version: number;
  isPublished: boolean;
  baseVersion: number | null;
  /** Tags pointing here, the preferred (most recently assigned) first. */
  assignedTags: string[];
  /** The `get-agent?version=N` answer. */
  agent: Record<string, unknown>;
  /** The `get-retell-llm?version=N` answer. */
  llm: Record<string, unknown>;
}

/** What one binding of a phone number reaches now. */
export interface RetellServing {
  agentId: string;
  /** The reference as bound: a number, a tag, `latest`, `latest_published`, or undefined. */
  agentVersion: string | number | undefined;
  /** The version it resolves to now, or null (e.g. `latest_published` with nothing published). */
  version: number | null;
  weight: number;
}

/** Inspection and seeding helpers of the Retell emulator (`emulator.state`). Returns copies. */
export interface RetellEmulatorState {
  /** Creates an agent with a draft V0 and its own Retell LLM. */
  createAgent(input?: RetellCreateAgentInput): { agentId: string; llmId: string };
  agentIds(): string[];
  llmId(agentId: string): string | undefined;
  /** Every version, ascending. */
  versions(agentId: string): RetellVersionSnapshot[];
  version(agentId: string, version: number): RetellVersionSnapshot | undefined;
  /** Opens a draft from `baseVersion`, as `create-agent-version` does; returns its number. */
  createDraft(agentId: string, baseVersion: number): number;
  /** Publishes a draft, as `publish-agent-version` does. */
  publish(agentId: string, version: number): void;
  /** The root tags, as `get-agent-root` shows them. */
  tags(agentId: string): Record<string, { version?: number; dynamic_variables?: Record<string, string> }>;
  /** The version a tag points at, or null when the tag is unassigned or absent. */
  tagVersion(agentId: string, tag: string): number | null;
  /** Moves (a number), creates, or deletes (`null`) a tag, as `update-agent-root` does. */
  setTag(agentId: string, tag: string, version: number | null): void;
  /** Adds a phone number with optional bindings (validated as `update-phone-number` does). */
  addPhoneNumber(
    phoneNumber: string,
    fields?: { inbound_agents?: AgentBinding[]; outbound_agents?: AgentBinding[]; nickname?: string },
  ): void;
  /** The `get-phone-number` answer, or undefined. */
  phoneNumber(phoneNumber: string): Record<string, unknown> | undefined;
  /** What each binding of the number serves now. */
  serving(phoneNumber: string, direction?: RetellDirection): RetellServing[];
}

/** The state helpers over the emulator's stores; HTTP-shaped errors surface as plain Errors. */
export function retellState(store: RetellStore, numbers: PhoneNumberStore): RetellEmulatorState {
  const agentOf = (agentId: string) => unwrap(() => store.require(agentId));
  const snapshot = (agentId: string, version: number): RetellVersionSnapshot | undefined => {
    const agent = store.find(agentId);
    const v = agent?.versions.get(version);
    if (!agent || !v) return undefined;
    return {
      version: v.version,
      isPublished: v.isPublished,
      baseVersion: v.baseVersion,
      assignedTags: store.assignedTags(agent, v.version),
      agent: agentView(store, agent, v),
      llm: llmView(agent, v),
    };
  };
  return {
    createAgent(input = {}) {
      const agentFields = {
        ...input.agent,
        ...(input.agent_name === undefined ? {} : { agent_name: input.agent_name }),
      };
      const agent = store.create(agentFields, input.llm ?? {});
      if (input.publish) store.publish(agent, 0, {});
      if (input.tags?.length)
        store.patchTags(agent, Object.fromEntries(input.tags.map((t) => [t, { version: 0 }])));
      return { agentId: agent.agentId, llmId: agent.llmId };
    },
    agentIds: () => store.list().map((a) => a.agentId),
    llmId: (agentId) => store.find(agentId)?.llmId,
    versions(agentId) {
      const agent = store.find(agentId);
      if (!agent) return [];
      return store.versionsOf(agent).map((v) => snapshot(agentId, v.version)!);
    },
    version: snapshot,
    createDraft: (agentId, baseVersion) => unwrap(() => store.branch(agentOf(agentId), baseVersion).version),
    publish: (agentId, version) => unwrap(() => store.publish(agentOf(agentId), version, {})),
    tags: (agentId) => tagsView(agentOf(agentId)),
    tagVersion: (agentId, tag) => store.find(agentId)?.tags.get(tag)?.version ?? null,
    setTag(agentId, tag, version) {
      const agent = agentOf(agentId);
      const deleted = unwrap(() => store.patchTags(agent, { [tag]: version === null ? null : { version } }));
      for (const name of deleted) numbers.dropTag(agentId, name);
    },
    addPhoneNumber: (phoneNumber, fields = {}) => {
      unwrap(() => numbers.add(phoneNumber, cloneJson(fields)));
    },
    phoneNumber(phoneNumber) {
      const record = numbers.find(phoneNumber);
      return record ? phoneNumberView(record) : undefined;
    },
    serving(phoneNumber, direction = 'inbound') {
      const record = unwrap(() => numbers.require(phoneNumber));
      return (record[direction] ?? []).map((b) => ({
        agentId: b.agent_id,
        agentVersion: b.agent_version,
        version: numbers.resolve(b),
        weight: b.weight,
      }));
    },
  };
}

/** Runs a store operation for a state helper; a vendor error becomes an Error with its message. */
function unwrap<T>(operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    const body = (error as HttpError).response?.body as { message?: string } | undefined;
    if (body?.message) throw new Error(body.message);
    throw error;
  }
}
