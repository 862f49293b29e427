import { isObjectId } from '../../kit/ids.js';
import type { RouteHandler, RouteRequest, RouteResponse, Router } from '../../kit/router.js';
import { resolvedConfigBySection, versionDiff } from '../atoms-config.js';
import {
  intQuery,
  objectBody,
  optionalText,
  requireObjectIdParam,
  testCallBody,
  testCallResult,
} from '../atoms-request.js';
import { atomsError, configFrozen, ok } from '../atoms-responses.js';
import type { AtomsAgentRecord, AtomsStore } from '../atoms-state.js';
import type { AtomsPublishResult } from './atoms-v2-state.js';

function branchName(body: Record<string, unknown>): string {
  const { name } = body;
  if (typeof name !== 'string' || name.trim().length < 1 || name.length > 100) {
    throw atomsError(400, 'Invalid input: name is required (1-100 characters)');
  }
  return name;
}

function expectedRevisionOf(body: Record<string, unknown>): number | undefined {
  const value = body.expectedRevision;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw atomsError(400, 'Invalid input: expectedRevision must be an integer >= 0');
  }
  return value;
}

function diffToken(req: RouteRequest, name: 'a' | 'b'): string {
  const value = req.query[name];
  if (value === undefined || value.length < 1 || value.length > 64) {
    throw atomsError(400, `Invalid input: ${name} is required (1-64 characters)`);
  }
  if (!isObjectId(value) && !/^[a-f\d]{24}:draft$/i.test(value)) {
    throw atomsError(400, `Invalid input: ${name} must be a revisionId or "<branchId>:draft"`);
  }
  return value;
}

/** 200 `committed` with the revision, or 202 `scanning` without one. */
function publishAnswer(result: AtomsPublishResult): RouteResponse {
  return ok(result, result.state === 'committed' ? 200 : 202);
}

/**
 * The v2 branch-model API (`/agent/{id}/branches/...`, `/agent/{id}/diff`), on the same router
 * as v1 so auth, rate limits, faults and the request log apply alike. An agent that is not
 * migrated has no branches: `GET /branches` lists none (no live branch, which is how clients
 * tell "not migrated yet") and every other v2 route answers 404 `Resource not found`. The
 * writes the spec declares 423 on answer `423 config_freeze_active` during a config freeze,
 * before anything else is checked.
 */
export function registerAtomsV2Routes(router: Router, store: AtomsStore): void {
  const v2 = store.v2;

  const agentOf = (req: RouteRequest): AtomsAgentRecord => {
    const agent = store.findAgent(requireObjectIdParam(req, 'id'));
    if (!agent) throw atomsError(404, 'Resource not found');
    return agent;
  };
  const branchOf = (req: RouteRequest) => {
    const branchId = requireObjectIdParam(req, 'branchId');
    const agent = agentOf(req);
    return { agent, branch: v2.requireBranch(agent, branchId) };
  };
  const freezable =
    (handler: RouteHandler): RouteHandler =>
    (req) =>
      store.configFreeze ? configFrozen() : handler(req);

  // ---- branches ----------------------------------------------------------------------------

  router.add(
    'POST',
    '/agent/:id/branches',
    freezable((req) => {
      const body = objectBody(req);
      const { sourceBranchId } = body;
      if (!isObjectId(sourceBranchId)) {
        throw atomsError(400, 'Invalid input: sourceBranchId is required and must be a valid ObjectId');
      }
      const name = branchName(body);
      const agent = agentOf(req);
      return ok(v2.branchView(v2.createBranch(agent, sourceBranchId, name)), 201);
    }),
  );

  router.add('GET', '/agent/:id/branches', (req) => {
    const agent = agentOf(req);
    const branches = (v2.modelOf(agent)?.branches ?? []).filter((b) => b.status === 'active');
    return ok({ branches: branches.map((b) => v2.summary(agent, b)) });
  });

  router.add('GET', '/agent/:id/branches/:branchId', (req) => {
    const { agent, branch } = branchOf(req);
    return ok(v2.summary(agent, branch));
  });

  router.add(
    'PATCH',
    '/agent/:id/branches/:branchId',
    freezable((req) => {
      const name = branchName(objectBody(req));
      const { agent, branch } = branchOf(req);
      v2.rename(agent, branch, name);
      return ok(v2.branchView(branch));
    }),
  );

  router.add(
    'POST',
    '/agent/:id/branches/:branchId/archive',
    freezable((req) => {
      const { agent, branch } = branchOf(req);
      v2.archive(agent, branch);
      return ok({ archived: true });
    }),
  );

  router.add(
    'POST',
    '/agent/:id/branches/:branchId/live',
    freezable((req) => {
      const { agent, branch } = branchOf(req);
      v2.makeLive(agent, branch);
      return ok(v2.summary(agent, branch));
    }),
  );

  // ---- draft -------------------------------------------------------------------------------

  router.add(
    'PUT',
    '/agent/:id/branches/:branchId/draft',
    freezable((req) => {
      const body = objectBody(req);
      const patch = v2.draftPatch(body);
      const expectedRevision = expectedRevisionOf(body);
      const { agent, branch } = branchOf(req);
      const draft = v2.putDraft(agent, branch, patch, expectedRevision);
      return ok(v2.revisionView(agent, draft));
    }),
  );

  router.add('GET', '/agent/:id/branches/:branchId/draft', (req) => {
    const { agent, branch } = branchOf(req);
    return ok(v2.draftDetail(agent, branch));
  });

  router.add('DELETE', '/agent/:id/branches/:branchId/draft', (req) => {
    const { agent, branch } = branchOf(req);
    v2.discardDraft(agent, branch);
    return ok({ discarded: true });
  });

  router.add(
    'POST',
    '/agent/:id/branches/:branchId/draft/publish',
    freezable((req) => {
      const label = optionalText(objectBody(req), 'label', 200) ?? null;
      const { agent, branch } = branchOf(req);
      return publishAnswer(v2.publish(agent, branch, label));
    }),
  );

  router.add('POST', '/agent/:id/branches/:branchId/draft/publish/cancel', (req) => {
    const { branch } = branchOf(req);
    v2.cancelPublish(branch);
    return ok({ cancelled: true });
  });

  // ---- revisions ---------------------------------------------------------------------------

  router.add('GET', '/agent/:id/branches/:branchId/revisions', (req) => {
    const limit = intQuery(req, 'limit', 1, 100, 20);
    const skip = intQuery(req, 'skip', 0, Number.MAX_SAFE_INTEGER, 0);
    const { agent, branch } = branchOf(req);
    const all = v2.listed(agent, branch);
    return ok({
      revisions: all.slice(skip, skip + limit).map((r) => v2.revisionView(agent, r)),
      total: all.length,
    });
  });

  router.add('GET', '/agent/:id/branches/:branchId/revisions/:revisionId', (req) => {
    const revisionId = requireObjectIdParam(req, 'revisionId');
    const { agent, branch } = branchOf(req);
    const revision = v2.requireRevision(agent, branch, revisionId);
    return ok({
      revision: v2.revisionView(agent, revision),
      resolvedConfig: resolvedConfigBySection(revision.config),
    });
  });

  router.add('GET', '/agent/:id/branches/:branchId/revisions/:revisionId/history', (req) => {
    const revisionId = requireObjectIdParam(req, 'revisionId');
    const { agent, branch } = branchOf(req);
    return ok(v2.history(agent, branch, v2.requireRevision(agent, branch, revisionId)));
  });

  router.add(
    'POST',
    '/agent/:id/branches/:branchId/revisions/:revisionId/restore',
    freezable((req) => {
      const revisionId = requireObjectIdParam(req, 'revisionId');
      const { agent, branch } = branchOf(req);
      return publishAnswer(v2.restore(agent, branch, revisionId));
    }),
  );

  // ---- test call and diff ------------------------------------------------------------------

  router.add('POST', '/agent/:id/branches/:branchId/test-call', (req) => {
    const { mode, body } = testCallBody(req);
    const { includeDraft = false, revisionId } = body;
    if (typeof includeDraft !== 'boolean')
      throw atomsError(400, 'Invalid input: includeDraft must be a boolean');
    if (revisionId !== undefined && !isObjectId(revisionId)) {
      throw atomsError(400, 'Invalid input: revisionId must be a valid ObjectId');
    }
    if (includeDraft && revisionId !== undefined) {
      throw atomsError(400, 'Invalid input: send either includeDraft or revisionId, not both');
    }
    const { agent, branch } = branchOf(req);
    v2.testCallTarget(agent, branch, { includeDraft, revisionId });
    return ok(testCallResult(mode, store.now()));
  });

  router.add('GET', '/agent/:id/diff', (req) => {
    const a = diffToken(req, 'a');
    const b = diffToken(req, 'b');
    const agent = agentOf(req);
    v2.requireModel(agent);
    return ok(versionDiff(v2.diffSide(agent, a), v2.diffSide(agent, b)));
  });
}
