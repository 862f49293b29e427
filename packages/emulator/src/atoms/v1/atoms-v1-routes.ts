import { isObjectId, randomHex } from '../../kit/ids.js';
import type { RouteHandler, RouteRequest, RouteResponse, Router } from '../../kit/router.js';
import { draftDiff, resolvedConfigBySection, versionDiff } from '../atoms-config.js';
import {
  intQuery,
  objectBody,
  optionalText,
  requireObjectIdParam,
  requireObjectIdQuery,
  testCallBody,
  testCallResult,
} from '../atoms-request.js';
import { fail, migrationRequired, ok } from '../atoms-responses.js';
import type { AtomsStore } from '../atoms-state.js';
import { EMULATOR_USER } from '../atoms-user.js';

function requireVersionIdParam(req: RouteRequest): string {
  return requireObjectIdParam(req, 'versionId');
}

/**
 * The v1 versioning API: drafts (fork, edit, diff, publish) and published versions (list, read,
 * diff, pin, activate). On a server switched to the v2 branch model, or for an agent migrated to
 * it, the endpoints the v2 migration guide lists as removed answer
 * `409 versioning_v2_migration_required`; the kept by-id reads, diffs and test calls still work.
 * The v2 branch API lives in `../v2/atoms-v2-routes.ts`.
 */
export function registerAtomsV1Routes(router: Router, store: AtomsStore): void {
  const removedUnderV2 =
    (handler: RouteHandler): RouteHandler =>
    (req): RouteResponse =>
      store.refusesV1Writes(req.params.id!) ? migrationRequired() : handler(req);

  // ---- drafts ------------------------------------------------------------------------------

  router.add(
    'POST',
    '/agent/:id/drafts',
    removedUnderV2((req) => {
      const body = objectBody(req);
      const { sourceVersionId, sourceDraftId, draftName } = body;
      if (sourceVersionId !== undefined && !isObjectId(sourceVersionId)) {
        return fail(400, 'Invalid input: sourceVersionId must be a valid ObjectId');
      }
      if (sourceDraftId !== undefined && (typeof sourceDraftId !== 'string' || sourceDraftId === '')) {
        return fail(400, 'Invalid input: sourceDraftId must be a non-empty string');
      }
      if (
        draftName !== undefined &&
        (typeof draftName !== 'string' || draftName.length < 1 || draftName.length > 100)
      ) {
        return fail(400, 'Invalid input: draftName must be 1-100 characters');
      }
      if (sourceVersionId === undefined && sourceDraftId === undefined) {
        return fail(400, 'Either sourceVersionId or sourceDraftId is required');
      }
      const agent = store.requireAgent(req.params.id!);
      const draft = store.fork(agent, { sourceVersionId, sourceDraftId, draftName } as {
        sourceVersionId?: string;
        sourceDraftId?: string;
        draftName?: string;
      });
      return ok(store.versionView(draft), 201);
    }),
  );

  router.add(
    'GET',
    '/agent/:id/drafts',
    removedUnderV2((req) => {
      const agent = store.requireAgent(req.params.id!);
      return ok(
        [...agent.drafts.values()].map((d) => ({
          ...store.versionView(d),
          lastEditorName: d.lastEditorName,
        })),
      );
    }),
  );

  router.add('GET', '/agent/:id/drafts/:draftId', (req) => {
    const limit = intQuery(req, 'limit', 1, 100, 20);
    const agent = store.requireAgent(req.params.id!);
    const draft = store.requireDraft(agent, req.params.draftId!);
    const history = store.draftHistory(draft).reverse();
    return ok({
      latest: store.versionView(draft),
      editHistory: history.slice(0, limit),
      editCount: history.length,
    });
  });

  router.add(
    'PATCH',
    '/agent/:id/drafts/:draftId',
    removedUnderV2((req) => {
      const { draftName } = objectBody(req);
      if (typeof draftName !== 'string' || draftName.length < 1 || draftName.length > 100) {
        return fail(400, 'Invalid input: draftName is required (1-100 characters)');
      }
      const agent = store.requireAgent(req.params.id!);
      store.renameDraft(store.requireDraft(agent, req.params.draftId!), draftName);
      return ok({ draftName });
    }),
  );

  router.add(
    'DELETE',
    '/agent/:id/drafts/:draftId',
    removedUnderV2((req) => {
      store.discardDraft(store.requireAgent(req.params.id!), req.params.draftId!);
      return ok(null);
    }),
  );

  router.add(
    'PATCH',
    '/agent/:id/drafts/:draftId/config',
    removedUnderV2((req) => {
      const body = objectBody(req);
      const agent = store.requireAgent(req.params.id!);
      const draft = store.requireDraft(agent, req.params.draftId!);
      // Documented: the answer is the draft row (new revision, rotated block ids), not an echo.
      return ok(store.versionView(store.patchDraftConfig(draft, body)));
    }),
  );

  router.add('GET', '/agent/:id/drafts/:draftId/diff', (req) => {
    const compareTo = req.query.compareTo === undefined ? undefined : requireObjectIdQuery(req, 'compareTo');
    const agent = store.requireAgent(req.params.id!);
    const draft = store.requireDraft(agent, req.params.draftId!);
    const base = store.requireVersion(agent, compareTo ?? draft.sourceVersionId!);
    return ok(draftDiff(base.config, draft.config));
  });

  router.add(
    'POST',
    '/agent/:id/drafts/:draftId/publish',
    removedUnderV2((req) => {
      const body = objectBody(req);
      const label = optionalText(body, 'label', 200) ?? null;
      const description = optionalText(body, 'description', 2000) ?? null;
      if (body.activate !== undefined && typeof body.activate !== 'boolean') {
        return fail(400, 'Invalid input: activate must be a boolean');
      }
      // `activate` is accepted and ignored: the documented behaviour of the live API.
      const agent = store.requireAgent(req.params.id!);
      return ok(store.versionView(store.publish(agent, req.params.draftId!, { label, description })), 201);
    }),
  );

  router.add('POST', '/agent/:id/drafts/:draftId/test-call', (req) => {
    testCallBody(req);
    const agent = store.requireAgent(req.params.id!);
    store.requireDraft(agent, req.params.draftId!);
    return ok({ callId: `CALL-${randomHex(8)}` });
  });

  // ---- versions ----------------------------------------------------------------------------

  router.add(
    'GET',
    '/agent/:id/versions',
    removedUnderV2((req) => {
      const limit = intQuery(req, 'limit', 1, 100, 20);
      const skip = intQuery(req, 'skip', 0, Number.MAX_SAFE_INTEGER, 0);
      const pinned = req.query.isPinned;
      if (pinned !== undefined && pinned !== 'true' && pinned !== 'false') {
        return fail(400, 'Invalid input: isPinned must be true or false');
      }
      const agent = store.requireAgent(req.params.id!);
      const all = store.publishedNewestFirst(agent);
      const filtered = pinned === undefined ? all : all.filter((v) => v.isPinned === (pinned === 'true'));
      const versions = filtered.slice(skip, skip + limit).map((v) => ({
        ...store.versionView(v),
        publishedByName: v.publishedBy ? EMULATOR_USER.name : null,
        activatedByName: v.activatedBy ? EMULATOR_USER.name : null,
      }));
      // Documented: total counts every published version, ignoring the isPinned filter.
      return ok({ versions, total: all.length });
    }),
  );

  router.add('GET', '/agent/:id/versions/diff', (req) => {
    const versionA = requireObjectIdQuery(req, 'versionA');
    const versionB = requireObjectIdQuery(req, 'versionB');
    const agent = store.requireAgent(req.params.id!);
    const a = store.findVersionOrDraftRevision(agent, versionA);
    const b = store.findVersionOrDraftRevision(agent, versionB);
    if (!a || !b) return fail(404, 'Version not found');
    return ok(versionDiff(a.config, b.config));
  });

  router.add('GET', '/agent/:id/versions/:versionId', (req) => {
    const versionId = requireVersionIdParam(req);
    const agent = store.requireAgent(req.params.id!);
    const version = store.requireVersion(agent, versionId);
    return ok({
      version: store.versionView(version),
      resolvedConfig: resolvedConfigBySection(version.config),
    });
  });

  router.add(
    'PATCH',
    '/agent/:id/versions/:versionId',
    removedUnderV2((req) => {
      const versionId = requireVersionIdParam(req);
      const body = objectBody(req);
      const label = optionalText(body, 'label', 200);
      const description = optionalText(body, 'description', 2000);
      if (body.isPinned !== undefined && typeof body.isPinned !== 'boolean') {
        return fail(400, 'Invalid input: isPinned must be a boolean');
      }
      if (label === undefined && description === undefined && body.isPinned === undefined) {
        return fail(400, 'Invalid input: at least one of label, description or isPinned is required');
      }
      const agent = store.requireAgent(req.params.id!);
      const version = store.requireVersion(agent, versionId);
      if (label !== undefined) version.label = label;
      if (description !== undefined) version.description = description;
      if (typeof body.isPinned === 'boolean') version.isPinned = body.isPinned;
      version.updatedAt = store.now();
      return ok(store.versionView(version));
    }),
  );

  router.add(
    'PATCH',
    '/agent/:id/versions/:versionId/activate',
    removedUnderV2((req) => {
      const versionId = requireVersionIdParam(req);
      const agent = store.requireAgent(req.params.id!);
      return ok(store.versionView(store.activate(agent, versionId)));
    }),
  );

  router.add('POST', '/agent/:id/versions/:versionId/test-call', (req) => {
    const versionId = requireVersionIdParam(req);
    const { mode } = testCallBody(req);
    const agent = store.requireAgent(req.params.id!);
    store.requireVersion(agent, versionId);
    return ok(testCallResult(mode, store.now()));
  });
}
