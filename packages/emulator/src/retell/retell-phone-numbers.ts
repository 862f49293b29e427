import { cloneJson } from '../kit/json-utils.js';
import type { EmulatorClock } from '../kit/types.js';
import { MISSING_ASSET, retellError } from './retell-errors.js';
import type { AgentBinding, AgentRecord, PhoneNumberRecord } from './retell-records.js';
import type { RetellStore } from './retell-store.js';

/** Which binding list of a number. */
export type RetellDirection = 'inbound' | 'outbound';

/** Weights are floats summing to 1; allow for rounding (e.g. three thirds). */
const WEIGHT_TOLERANCE = 1e-6;

/** Phone numbers and their traffic bindings (`inbound_agents` / `outbound_agents`). */
export class PhoneNumberStore {
  private readonly numbers = new Map<string, PhoneNumberRecord>();

  constructor(
    private readonly agents: RetellStore,
    private readonly clock: EmulatorClock,
  ) {}

  add(phoneNumber: string, fields: Record<string, unknown>): PhoneNumberRecord {
    if (!/^\+\d{6,15}$/.test(phoneNumber)) throw new RangeError(`${phoneNumber} is not an E.164 number`);
    if (this.numbers.has(phoneNumber)) throw new RangeError(`${phoneNumber} exists already`);
    const record: PhoneNumberRecord = {
      phoneNumber,
      fields: {},
      inbound: null,
      outbound: null,
      modifiedAt: this.clock.now(),
    };
    this.update(record, fields);
    this.numbers.set(phoneNumber, record);
    return record;
  }

  find(phoneNumber: string): PhoneNumberRecord | undefined {
    return this.numbers.get(phoneNumber);
  }

  require(phoneNumber: string): PhoneNumberRecord {
    const record = this.numbers.get(phoneNumber);
    if (!record)
      throw retellError(MISSING_ASSET, `Cannot find phone number ${phoneNumber} under given api key.`);
    return record;
  }

  list(): PhoneNumberRecord[] {
    return [...this.numbers.values()];
  }

  /** Applies an `update-phone-number` body (already checked for unknown fields). */
  update(record: PhoneNumberRecord, body: Record<string, unknown>): void {
    const { inbound_agents: inbound, outbound_agents: outbound, ...rest } = body;
    // Validate both lists before writing either, so a refused request changes nothing.
    const nextInbound = inbound === undefined ? record.inbound : this.bindings('inbound_agents', inbound);
    const nextOutbound =
      outbound === undefined ? record.outbound : this.bindings('outbound_agents', outbound);
    record.inbound = nextInbound;
    record.outbound = nextOutbound;
    Object.assign(record.fields, cloneJson(rest));
    record.modifiedAt = this.clock.now();
  }

  /** Drops the bindings that follow a deleted tag, as Retell does when a tag is deleted. */
  dropTag(agentId: string, tag: string): void {
    const keep = (b: AgentBinding) => !(b.agent_id === agentId && b.agent_version === tag);
    for (const record of this.numbers.values()) {
      if (record.inbound) record.inbound = record.inbound.filter(keep);
      if (record.outbound) record.outbound = record.outbound.filter(keep);
    }
  }

  /** Whether a binding pins this exact version number. */
  pins(agentId: string, version: number): string | undefined {
    for (const record of this.numbers.values()) {
      const all = [...(record.inbound ?? []), ...(record.outbound ?? [])];
      if (all.some((b) => b.agent_id === agentId && b.agent_version === version)) return record.phoneNumber;
    }
    return undefined;
  }

  /** The version a binding reaches now, or null when it reaches none (nothing published). */
  resolve(binding: AgentBinding): number | null {
    const agent = this.agents.find(binding.agent_id);
    if (!agent) return null;
    const ref = binding.agent_version ?? 'latest';
    if (typeof ref === 'number') return agent.versions.has(ref) ? ref : null;
    if (ref === 'latest_published') return this.agents.latestPublished(agent)?.version ?? null;
    const tagged = ref === 'latest' ? undefined : agent.tags.get(ref)?.version;
    // An unassigned (or vanished) tag resolves to latest, per the SDK's `agent_version` doc.
    return tagged ?? this.agents.version(agent, undefined).version;
  }

  private bindings(field: string, value: unknown): AgentBinding[] | null {
    if (value === null) return null;
    if (!Array.isArray(value)) throw retellError(400, `${field} must be an array or null.`);
    const list = value.map((item, i) => this.binding(`${field}[${i}]`, item));
    const total = list.reduce((sum, b) => sum + b.weight, 0);
    if (list.length > 0 && Math.abs(total - 1) > WEIGHT_TOLERANCE) {
      throw retellError(400, `${field}: weights must add up to 1, got ${total}.`);
    }
    return list;
  }

  private binding(where: string, item: unknown): AgentBinding {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw retellError(400, `${where} must be an object.`);
    }
    const { agent_id: agentId, agent_version: ref, weight, ...unknown } = item as Record<string, unknown>;
    const extra = Object.keys(unknown)[0];
    if (extra !== undefined) throw retellError(400, `${where}: unknown field "${extra}".`);
    if (typeof agentId !== 'string' || agentId === '')
      throw retellError(400, `${where}.agent_id is required.`);
    if (typeof weight !== 'number' || !(weight > 0) || weight > 1) {
      throw retellError(400, `${where}.weight must be a number in (0, 1].`);
    }
    const agent = this.agents.require(agentId);
    if (ref !== undefined) checkReference(where, agent, ref);
    return ref === undefined
      ? { agent_id: agentId, weight }
      : { agent_id: agentId, agent_version: ref as string | number, weight };
  }
}

function checkReference(where: string, agent: AgentRecord, ref: unknown): void {
  if (typeof ref === 'number') {
    if (!agent.versions.has(ref)) throw retellError(400, `${where}.agent_version ${ref} does not exist.`);
    return;
  }
  if (typeof ref !== 'string' || ref === '') {
    throw retellError(
      400,
      `${where}.agent_version must be a version number, a tag, latest or latest_published.`,
    );
  }
  if (ref === 'latest' || ref === 'latest_published' || agent.tags.has(ref)) return;
  throw retellError(400, `${where}.agent_version "${ref}" is not a tag of agent ${agent.agentId}.`);
}
