import type { AgentChanges } from '../changes.js';
import { agentChangesSchema, agentIdSchema, parseInput } from '../changes.js';
import { throwIfAborted } from '../clock.js';
import { NotFoundError, SecurityCheckFailedError, UnsupportedOperationError } from '../errors.js';
import type { ConfigSnapshot } from '../ledger.js';
import type {
  ActivateOptions,
  AgentReleaser,
  DraftRef,
  EditDraftOptions,
  GetActiveVersionOptions,
  ListVersionsOptions,
  PublishOptions,
  PublishOutcome,
  ReleaseInput,
  ReleaserCapabilities,
  VersionInfo,
} from '../port.js';

/** The configuration fields an {@link InMemoryReleaser} agent holds. */
export type InMemoryConfig = Required<Pick<AgentChanges, 'instructions' | 'firstMessage' | 'model'>>;

interface StoredVersion {
  id: string;
  number: number;
  config: InMemoryConfig;
  label?: string | undefined;
  gate: 'passed' | 'failed';
}

interface StoredAgent {
  versions: StoredVersion[];
  activeId: string | undefined;
  drafts: Map<string, { base: string | undefined; config: InMemoryConfig }>;
}

/** Options of {@link InMemoryReleaser}. */
export interface InMemoryReleaserOptions {
  /** `explicit` behaves like Atoms (publish, then activate); `on-publish` like Langdock. */
  activation?: 'explicit' | 'on-publish';
  /** Makes the publish gate of new versions fail (explicit activation only). */
  failGate?: boolean;
  provider?: string;
}

/**
 * A complete in-process implementation of the port, for tests of code that uses agent-release
 * (and the conformance kit's own tests). It counts "requests" so tests can assert that bad input
 * sends none.
 */
export class InMemoryReleaser implements AgentReleaser {
  readonly provider: string;
  readonly capabilities: ReleaserCapabilities;
  /** Calls that would have been requests to a vendor. */
  requestCount = 0;
  failGate: boolean;
  readonly #agents = new Map<string, StoredAgent>();
  #nextId = 1;

  constructor(options: InMemoryReleaserOptions = {}) {
    const explicit = (options.activation ?? 'explicit') === 'explicit';
    this.provider = options.provider ?? 'memory';
    this.failGate = options.failGate ?? false;
    this.capabilities = {
      activation: explicit ? 'explicit' : 'on-publish',
      publishGate: explicit ? 'security-check' : 'none',
      drafts: explicit ? 'many' : 'one',
      versionHistory: explicit,
      rollback: explicit ? 'reactivate' : 'none',
      confirmsActiveVersion: true,
    };
    // The port promises `listVersions` exactly where there is a version history.
    if (!explicit) Object.defineProperty(this, 'listVersions', { value: undefined });
  }

  /** Creates an agent with an active version 1 and returns its id. */
  createAgent(config: Partial<InMemoryConfig> = {}): string {
    const agentId = `agent_${this.#nextId++}`;
    const version: StoredVersion = {
      id: `ver_${this.#nextId++}`,
      number: 1,
      config: { instructions: '', firstMessage: '', model: 'default', ...config },
      gate: 'passed',
    };
    this.#agents.set(agentId, { versions: [version], activeId: version.id, drafts: new Map() });
    return agentId;
  }

  /** Version ids of an agent, oldest first. */
  versionIds(agentId: string): string[] {
    return this.#agent(agentId).versions.map((v) => v.id);
  }

  /** The live config of an agent. */
  activeConfig(agentId: string): InMemoryConfig | undefined {
    const agent = this.#agent(agentId);
    return agent.versions.find((v) => v.id === agent.activeId)?.config;
  }

  validate(input: ReleaseInput): void {
    parseInput(agentIdSchema, input.agentId, 'agentId', this.provider);
    parseInput(agentChangesSchema, input.changes, 'changes', this.provider);
  }

  async editDraft(agentId: string, changes: AgentChanges, opts: EditDraftOptions = {}): Promise<DraftRef> {
    this.validate({ agentId, changes });
    throwIfAborted(opts.signal);
    this.requestCount++;
    const agent = this.#agent(agentId);
    const base = agent.versions.find((v) => v.id === agent.activeId);
    let draftId = opts.draftId;
    if (draftId === undefined || !agent.drafts.has(draftId)) {
      if (draftId !== undefined)
        throw new NotFoundError(`draft ${draftId} not found`, { provider: this.provider });
      draftId = this.capabilities.drafts === 'one' ? 'draft' : `draft_${this.#nextId++}`;
      agent.drafts.set(draftId, {
        base: base?.id,
        config: { ...(base?.config ?? { instructions: '', firstMessage: '', model: 'default' }) },
      });
    }
    const draft = agent.drafts.get(draftId)!;
    const { providerOptions: _ignored, ...neutral } = changes;
    for (const [key, value] of Object.entries(neutral)) {
      if (value !== undefined) draft.config[key as keyof InMemoryConfig] = value;
    }
    return { provider: this.provider, agentId, draftId, baseVersionId: draft.base };
  }

  async publish(draft: DraftRef, opts: PublishOptions = {}): Promise<PublishOutcome> {
    throwIfAborted(opts.signal);
    this.requestCount++;
    const agent = this.#agent(draft.agentId);
    const stored = agent.drafts.get(draft.draftId);
    if (!stored) throw new NotFoundError(`draft ${draft.draftId} not found`, { provider: this.provider });
    agent.drafts.delete(draft.draftId);
    const latest = agent.versions.at(-1);
    const compareTo =
      this.capabilities.activation === 'on-publish'
        ? latest
        : agent.versions.find((v) => v.id === stored.base);
    if (compareTo && JSON.stringify(compareTo.config) === JSON.stringify(stored.config)) {
      return { status: 'unchanged', reason: 'no-changes' };
    }
    const version: StoredVersion = {
      id: `ver_${this.#nextId++}`,
      number: (latest?.number ?? 0) + 1,
      config: stored.config,
      label: opts.label,
      gate: this.failGate ? 'failed' : 'passed',
    };
    agent.versions.push(version);
    if (this.capabilities.activation === 'on-publish') agent.activeId = version.id;
    return { status: 'published', version: this.#info(draft.agentId, version) };
  }

  async activate(agentId: string, versionId: string, opts: ActivateOptions = {}): Promise<VersionInfo> {
    throwIfAborted(opts.signal);
    const agent = this.#agent(agentId);
    const version = agent.versions.find((v) => v.id === versionId);
    if (!version) throw new NotFoundError(`version ${versionId} not found`, { provider: this.provider });
    if (agent.activeId === versionId) return this.#info(agentId, version);
    if (this.capabilities.activation === 'on-publish') {
      throw new UnsupportedOperationError(
        `${this.provider} publishes straight to live; cannot activate ${versionId}`,
        {
          provider: this.provider,
        },
      );
    }
    this.requestCount++;
    opts.onGateProgress?.({ status: version.gate, attempt: 1, elapsedMs: 0 });
    if (version.gate === 'failed') {
      throw new SecurityCheckFailedError(`security check failed for ${versionId}`, {
        provider: this.provider,
        versionId,
        checkStatus: 'failed',
      });
    }
    agent.activeId = versionId;
    return this.#info(agentId, version);
  }

  async getActiveVersion(agentId: string, opts: GetActiveVersionOptions = {}): Promise<VersionInfo | null> {
    parseInput(agentIdSchema, agentId, 'agentId', this.provider);
    throwIfAborted(opts.signal);
    this.requestCount++;
    const agent = this.#agent(agentId);
    const version = agent.versions.find((v) => v.id === agent.activeId);
    return version ? this.#info(agentId, version) : null;
  }

  /** Drops the draft, as a vendor's discard would. */
  async discardDraft(draft: DraftRef): Promise<void> {
    this.requestCount++;
    this.#agent(draft.agentId).drafts.delete(draft.draftId);
  }

  /** Open drafts of an agent. */
  draftIds(agentId: string): string[] {
    return [...this.#agent(agentId).drafts.keys()];
  }

  /** Versions newest first (explicit activation only, like a vendor with version history). */
  async listVersions(agentId: string, opts: ListVersionsOptions = {}): Promise<VersionInfo[]> {
    throwIfAborted(opts.signal);
    if (!this.capabilities.versionHistory) {
      throw new UnsupportedOperationError(`${this.provider} has no version history`, {
        provider: this.provider,
      });
    }
    this.requestCount++;
    const agent = this.#agent(agentId);
    return [...agent.versions]
      .reverse()
      .slice(0, opts.limit ?? 20)
      .map((v) => this.#info(agentId, v));
  }

  async readConfig(
    agentId: string,
    opts: { signal?: AbortSignal | undefined } = {},
  ): Promise<ConfigSnapshot> {
    throwIfAborted(opts.signal);
    this.requestCount++;
    return { ...(this.activeConfig(agentId) ?? {}) };
  }

  #agent(agentId: string): StoredAgent {
    const agent = this.#agents.get(agentId);
    if (!agent)
      throw new NotFoundError(`agent ${agentId} not found`, { provider: this.provider, status: 404 });
    return agent;
  }

  #info(agentId: string, v: StoredVersion): VersionInfo {
    const agent = this.#agent(agentId);
    return {
      provider: this.provider,
      agentId,
      id: v.id,
      number: v.number,
      label: v.label,
      isActive: agent.activeId === v.id,
      gate: { status: v.gate },
    };
  }
}
