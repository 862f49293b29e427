import { isObjectId } from '../kit/ids.js';
import type { Router } from '../kit/router.js';
import { objectBody } from './atoms-request.js';
import { fail, ok } from './atoms-responses.js';
import type { AtomsStore } from './atoms-state.js';

/**
 * Agent routes that exist independently of the versioning model (`POST /agent`,
 * `GET|PATCH /agent/{id}`, archive). Plain `DELETE /agent/{id}` is deliberately not registered:
 * the real API answers 404 for it.
 */
export function registerAtomsAgentRoutes(router: Router, store: AtomsStore): void {
  router.add('POST', '/agent', (req) => ok(store.createAgentFromBody(objectBody(req)), 201));

  router.add('GET', '/agent/:id', (req) => {
    const agent = store.findAgent(req.params.id!);
    // Documented quirk: an unknown agent is a 400 here, not a 404.
    if (!agent) return fail(400, 'No agent found');
    const { draftId, versionId } = req.query;
    if (versionId !== undefined && !isObjectId(versionId)) {
      return fail(400, 'Invalid input: versionId must be a valid ObjectId');
    }
    return ok(store.agentView(agent, { draftId, versionId }));
  });

  router.add('PATCH', '/agent/:id', (req) => {
    store.patchAgent(req.params.id!, objectBody(req));
    return ok(req.params.id);
  });

  router.add('DELETE', '/agent/:id/archive', (req) => {
    const on = req.query.on ?? 'true';
    if (on !== 'true' && on !== 'false') return fail(400, 'Invalid input: on must be true or false');
    return ok({ message: store.setArchived(req.params.id!, on === 'true') });
  });
}
