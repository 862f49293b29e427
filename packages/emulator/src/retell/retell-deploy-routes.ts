import type { RouteRequest, Router } from '../kit/router.js';
import { MISSING_VERSION, retellError } from './retell-errors.js';
import { PHONE_NUMBER_UPDATE_FIELDS } from './retell-fields.js';
import type { PhoneNumberStore } from './retell-phone-numbers.js';
import type { AgentRecord } from './retell-records.js';
import type { RetellStore } from './retell-store.js';
import { checkFields, objectBody } from './retell-validate.js';
import { phoneNumberView, rootEtag, rootView } from './retell-views.js';

/** What serves traffic: phone-number bindings and the agent root's environment tags. */
export function registerDeployRoutes(router: Router, store: RetellStore, numbers: PhoneNumberStore): void {
  router.add('GET', '/get-phone-number/:phone_number', (req) => ({
    status: 200,
    body: phoneNumberView(numbers.require(req.params.phone_number!)),
  }));

  router.add('PATCH', '/update-phone-number/:phone_number', (req) => {
    const body = objectBody(req.body);
    checkFields(body, PHONE_NUMBER_UPDATE_FIELDS, 'update-phone-number');
    const record = numbers.require(req.params.phone_number!);
    numbers.update(record, body);
    return { status: 200, body: phoneNumberView(record) };
  });

  router.add('GET', '/get-agent-root/:agent_id', (req) => {
    const agent = store.require(req.params.agent_id!, MISSING_VERSION);
    return rootAnswer(store, agent);
  });

  router.add('PATCH', '/update-agent-root/:agent_id', (req) => {
    const body = objectBody(req.body);
    checkFields(body, ['tags'], 'update-agent-root');
    const agent = store.require(req.params.agent_id!, MISSING_VERSION);
    checkPrecondition(req, agent);
    const tags = body.tags ?? {};
    if (typeof tags !== 'object' || Array.isArray(tags)) throw retellError(400, 'tags must be an object.');
    for (const deleted of store.patchTags(agent, tags as Record<string, unknown>)) {
      numbers.dropTag(agent.agentId, deleted);
    }
    return rootAnswer(store, agent);
  });
}

function rootAnswer(store: RetellStore, agent: AgentRecord) {
  return { status: 200, headers: { ETag: rootEtag(agent) }, body: rootView(store, agent) };
}

/** `If-Match`: a stale ETag answers 412 and changes nothing, per the update-agent-root page. */
function checkPrecondition(req: RouteRequest, agent: AgentRecord): void {
  const header = req.headers['if-match'];
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value === undefined) return;
  const tags = value.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (tags.includes('*') || tags.includes(rootEtag(agent))) return;
  throw retellError(412, 'The agent changed since the ETag in If-Match was issued; read it again and retry.');
}
