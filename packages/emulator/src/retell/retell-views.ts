import { cloneJson } from '../kit/json-utils.js';
import type { AgentBinding, AgentRecord, PhoneNumberRecord, VersionRecord } from './retell-records.js';
import type { RetellStore } from './retell-store.js';

/** `AgentResponse` of one version (`get-agent`, `update-agent`, `create-agent-version`). */
export function agentView(store: RetellStore, agent: AgentRecord, v: VersionRecord): Record<string, unknown> {
  return {
    agent_id: agent.agentId,
    ...cloneJson(v.agent),
    response_engine: { type: 'retell-llm', llm_id: agent.llmId, version: v.version },
    version: v.version,
    is_published: v.isPublished,
    base_version: v.baseVersion,
    assigned_tags: store.assignedTags(agent, v.version),
    last_modification_timestamp: v.agentModifiedAt,
  };
}

/** `LlmResponse` of one version (`get-retell-llm`, `update-retell-llm`). */
export function llmView(agent: AgentRecord, v: VersionRecord): Record<string, unknown> {
  return {
    llm_id: agent.llmId,
    ...cloneJson(v.llm),
    version: v.version,
    is_published: v.isPublished,
    last_modification_timestamp: v.llmModifiedAt,
  };
}

/** An item of `list-agent-versions`: optional fields are omitted, never null. */
export function versionItem(v: VersionRecord): Record<string, unknown> {
  const item: Record<string, unknown> = {
    version: v.version,
    is_published: v.isPublished,
    last_modification_timestamp: Math.max(v.agentModifiedAt, v.llmModifiedAt),
  };
  if (v.baseVersion !== null) item.base_version = v.baseVersion;
  for (const key of ['version_title', 'version_description'] as const) {
    if (typeof v.agent[key] === 'string') item[key] = v.agent[key];
  }
  return item;
}

/** The root tags, keyed by name (list-agents items and get/update-agent-root). */
export function tagsView(
  agent: AgentRecord,
): Record<string, { version?: number; dynamic_variables?: Record<string, string> }> {
  const tags: Record<string, { version?: number; dynamic_variables?: Record<string, string> }> = {};
  for (const [name, tag] of agent.tags) {
    tags[name] = {};
    if (tag.version !== undefined) tags[name].version = tag.version;
    if (tag.dynamic_variables !== undefined) tags[name].dynamic_variables = cloneJson(tag.dynamic_variables);
  }
  return tags;
}

/**
 * An item of `v2/list-agents`; get/update-agent-root answer the same shape (an assumption: their
 * pages name `tags` but no other field).
 */
export function rootView(store: RetellStore, agent: AgentRecord): Record<string, unknown> {
  const latest = store.version(agent, undefined);
  return {
    agent_id: agent.agentId,
    agent_name: typeof latest.agent.agent_name === 'string' ? latest.agent.agent_name : '',
    channel: 'voice',
    tags: tagsView(agent),
    user_modified_timestamp: agent.userModifiedAt,
  };
}

/** The strong ETag of an agent's root. */
export function rootEtag(agent: AgentRecord): string {
  return `"${agent.agentId}-${agent.rootRevision}"`;
}

/** `PhoneNumberResponse`. */
export function phoneNumberView(record: PhoneNumberRecord): Record<string, unknown> {
  const { auth_password: _secret, ...fields } = record.fields;
  return {
    phone_number: record.phoneNumber,
    phone_number_type: 'retell-twilio',
    phone_number_pretty: pretty(record.phoneNumber),
    ...cloneJson(fields),
    inbound_agents: cloneBindings(record.inbound),
    outbound_agents: cloneBindings(record.outbound),
    last_modification_timestamp: record.modifiedAt,
  };
}

function cloneBindings(list: AgentBinding[] | null): AgentBinding[] | null {
  return list ? cloneJson(list) : null;
}

function pretty(number: string): string {
  const us = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(number);
  return us ? `+1 (${us[1]}) ${us[2]}-${us[3]}` : number;
}
