import type { Router } from '../kit/router.js';
import { MISSING_ASSET, MISSING_VERSION, retellError } from './retell-errors.js';
import { AGENT_UPDATE_FIELDS } from './retell-fields.js';
import type { PhoneNumberStore } from './retell-phone-numbers.js';
import type { RetellStore } from './retell-store.js';
import {
  bodyVersion,
  checkFields,
  objectBody,
  pageQuery,
  paginate,
  versionQuery,
} from './retell-validate.js';
import { agentView, rootView, versionItem } from './retell-views.js';

const PUBLISH_FIELDS = ['version', 'version_title', 'version_description'];

/** Agent and agent-version operations, at Retell's verb paths. */
export function registerAgentRoutes(router: Router, store: RetellStore, numbers: PhoneNumberStore): void {
  router.add('GET', '/get-agent/:agent_id', (req) => {
    const agent = store.require(req.params.agent_id!);
    const version = store.version(agent, versionQuery(req.query), MISSING_ASSET);
    return { status: 200, body: agentView(store, agent, version) };
  });

  router.add('PATCH', '/update-agent/:agent_id', (req) => {
    const body = objectBody(req.body);
    checkFields(body, AGENT_UPDATE_FIELDS, 'update-agent');
    const agent = store.require(req.params.agent_id!);
    const target = store.editable(agent, versionQuery(req.query), 'agent');
    store.updateAgentFields(agent, target, body);
    return { status: 200, body: agentView(store, agent, target) };
  });

  router.add('POST', '/create-agent-version/:agent_id', (req) => {
    const body = objectBody(req.body);
    checkFields(body, ['base_version'], 'create-agent-version');
    const baseVersion = bodyVersion(body, 'base_version');
    const agent = store.require(req.params.agent_id!, MISSING_VERSION);
    return { status: 201, body: agentView(store, agent, store.branch(agent, baseVersion)) };
  });

  // Answers 200 with no body: a client that loses the answer learns the outcome only by listing.
  router.add('POST', '/publish-agent-version/:agent_id', (req) => {
    const body = objectBody(req.body);
    checkFields(body, PUBLISH_FIELDS, 'publish-agent-version');
    const version = bodyVersion(body, 'version');
    for (const key of ['version_title', 'version_description']) {
      if (body[key] !== undefined && typeof body[key] !== 'string')
        throw retellError(400, `${key} must be a string.`);
    }
    const agent = store.require(req.params.agent_id!, MISSING_VERSION);
    store.publish(agent, version, body);
    return { status: 200 };
  });

  router.add('GET', '/list-agent-versions/:agent_id', (req) => {
    const page = pageQuery(req.query);
    const agent = store.require(req.params.agent_id!, MISSING_VERSION);
    const versions = store.versionsOf(agent);
    if (page.descending) versions.reverse();
    const result = paginate(versions, page, (v) => String(v.version));
    return { status: 200, body: { ...result, items: result.items.map(versionItem) } };
  });

  // Deprecated by Retell ("may truncate"), kept because older clients still call it.
  router.add('GET', '/get-agent-versions/:agent_id', (req) => {
    const agent = store.require(req.params.agent_id!);
    return { status: 200, body: store.versionsOf(agent).map((v) => agentView(store, agent, v)) };
  });

  router.add('DELETE', '/delete-agent-version/:agent_id', (req) => {
    const version = versionQuery(req.query);
    if (version === undefined) throw retellError(400, 'version is required.');
    const agent = store.require(req.params.agent_id!, MISSING_VERSION);
    const pinned = numbers.pins(agent.agentId, version);
    if (pinned !== undefined) {
      throw retellError(400, `Cannot delete version ${version}: phone number ${pinned} is bound to it.`);
    }
    store.remove(agent, version);
    return { status: 204 };
  });

  router.add('POST', '/v2/list-agents', (req) => {
    const page = pageQuery(req.query);
    const query = filterQuery(req.body);
    const agents = store
      .list()
      .map((agent) => rootView(store, agent))
      .filter((item) => matches(item, query));
    if (page.descending) agents.reverse();
    return { status: 200, body: paginate(agents, page, (item) => String(item.agent_id)) };
  });
}

/** `filter_criteria.query` of list-agents (channel filters pass: every emulated agent is voice). */
function filterQuery(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  const criteria = objectBody(body).filter_criteria as { query?: unknown } | undefined;
  return typeof criteria?.query === 'string' ? criteria.query.toLowerCase() : undefined;
}

function matches(item: Record<string, unknown>, query: string | undefined): boolean {
  if (query === undefined) return true;
  return String(item.agent_name).toLowerCase().includes(query) || String(item.agent_id).includes(query);
}
