/** One version of an agent together with its Retell LLM's version of the same number. */
export interface VersionRecord {
  version: number;
  isPublished: boolean;
  /** The version this one was branched from; null for V0. */
  baseVersion: number | null;
  /** Publish order, for `latest_published` (the most recently published, not the highest). */
  publishedSeq: number | null;
  /** Agent fields (`AgentUpdateParams` minus `response_engine`), including title/description. */
  agent: Record<string, unknown>;
  /** Retell LLM fields (`LlmUpdateParams`). */
  llm: Record<string, unknown>;
  agentModifiedAt: number;
  llmModifiedAt: number;
}

/** An environment tag; `version` absent means the tag exists but is unassigned. */
export interface TagRecord {
  version?: number;
  dynamic_variables?: Record<string, string>;
  /** Assignment order: the most recently assigned tag of a version is its preferred one. */
  assignedSeq: number;
}

/** An agent with its single Retell LLM (the emulator gives every agent its own LLM). */
export interface AgentRecord {
  agentId: string;
  llmId: string;
  /** Creation order, for listing. */
  seq: number;
  userModifiedAt: number;
  versions: Map<number, VersionRecord>;
  tags: Map<string, TagRecord>;
  /** Bumped on every root (tag) change; the ETag of get/update-agent-root. */
  rootRevision: number;
}

/** One traffic binding of a phone number, as Retell stores it. */
export interface AgentBinding {
  agent_id: string;
  agent_version?: string | number;
  weight: number;
}

export interface PhoneNumberRecord {
  phoneNumber: string;
  fields: Record<string, unknown>;
  inbound: AgentBinding[] | null;
  outbound: AgentBinding[] | null;
  modifiedAt: number;
}
