/** The v1 (drafts + versions) reads and the activate call, as plain functions over the HttpClient. */
import { type HttpClient, pathOf } from '@agent-release/core/provider';
import type { AtomsVersionRow } from '../shared/api.js';
import {
  activateResponseSchema,
  getDraftResponseSchema,
  getVersionResponseSchema,
  listVersionsResponseSchema,
} from './api.js';

/** `GET /agent/{id}/drafts/{draftId}`: the draft's latest revision row. */
export async function getDraft(
  http: HttpClient,
  agentId: string,
  draftId: string,
  signal: AbortSignal | undefined,
): Promise<AtomsVersionRow> {
  const { data } = await http.request({
    operation: 'getDraft',
    method: 'GET',
    path: pathOf`/agent/${agentId}/drafts/${draftId}`,
    query: { limit: 1 },
    schema: getDraftResponseSchema,
    signal,
  });
  return data.data.latest;
}

/** `GET /agent/{id}/versions/{versionId}`. */
export async function getVersion(
  http: HttpClient,
  agentId: string,
  versionId: string,
  signal: AbortSignal | undefined,
): Promise<AtomsVersionRow> {
  const { data } = await http.request({
    operation: 'getVersion',
    method: 'GET',
    path: pathOf`/agent/${agentId}/versions/${versionId}`,
    schema: getVersionResponseSchema,
    signal,
  });
  return data.data.version;
}

/** `GET /agent/{id}/versions?limit=&skip=`, newest first. */
export async function listVersionRows(
  http: HttpClient,
  agentId: string,
  page: { limit: number; skip: number },
  signal: AbortSignal | undefined,
): Promise<{ versions: AtomsVersionRow[]; total: number }> {
  const { data } = await http.request({
    operation: 'listVersions',
    method: 'GET',
    path: pathOf`/agent/${agentId}/versions`,
    query: { limit: page.limit, skip: page.skip },
    schema: listVersionsResponseSchema,
    signal,
  });
  return data.data;
}

/** `PATCH /agent/{id}/versions/{versionId}/activate`: the now active version. */
export async function activateVersion(
  http: HttpClient,
  agentId: string,
  versionId: string,
  signal: AbortSignal | undefined,
): Promise<AtomsVersionRow> {
  const { data } = await http.request({
    operation: 'activate',
    method: 'PATCH',
    path: pathOf`/agent/${agentId}/versions/${versionId}/activate`,
    schema: activateResponseSchema,
    // Documented as idempotent: activating the active version returns it unchanged.
    idempotent: true,
    signal,
  });
  return data.data;
}

/** A server timestamp (ISO 8601) in ms since epoch; undefined when missing or unparsable. */
export function serverTime(value: string | null | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}
