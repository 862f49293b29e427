import type { ReleaserCapabilities } from '@agent-release/core';

/** The provider id of this adapter (`AgentReleaser.provider`, DI name, `TenantConfig.provider`). */
export const LANGDOCK_PROVIDER = 'langdock';

/**
 * How Langdock behaves, as the port describes it:
 * - `activation: 'on-publish'`: `POST /agent/v1/publish` makes the new version live at once;
 * - `publishGate: 'none'`: nothing stands between publish and live;
 * - `drafts: 'one'`: one implicit draft per agent, edited by `PATCH /agent/v1/update`;
 * - `versionHistory: false`: versions cannot be listed or read back through the API;
 * - `rollback: 'none'`: no endpoint restores an older version; release the old configuration
 *   again (`readConfig` reads the live one, so a ledger can keep it for later);
 * - `confirmsActiveVersion: false`: `GET /agent/v1/get` returns the live configuration but
 *   not the id of the live version, so a release cannot be confirmed by id.
 */
export const LANGDOCK_CAPABILITIES: ReleaserCapabilities = Object.freeze({
  activation: 'on-publish',
  publishGate: 'none',
  drafts: 'one',
  versionHistory: false,
  rollback: 'none',
  confirmsActiveVersion: false,
});
