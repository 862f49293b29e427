/** v1 rows in neutral terms. */
import type { VersionInfo } from '@agent-release/core';
import type { AtomsVersionRow } from '../shared/api.js';
import { ATOMS_PROVIDER } from '../shared/ids.js';
import { gateOf } from '../shared/security-check.js';

/**
 * An Atoms `AgentVersion` as a neutral {@link VersionInfo}. `isActive` is what this response
 * said (publish answers `false`); `fallbackActive` fills it when the field is missing.
 */
export function toVersionInfo(agentId: string, row: AtomsVersionRow, fallbackActive = false): VersionInfo {
  const gate = gateOf(row);
  return {
    provider: ATOMS_PROVIDER,
    agentId,
    id: row._id,
    ...(typeof row.versionNumber === 'number' ? { number: row.versionNumber } : {}),
    ...(typeof row.label === 'string' ? { label: row.label } : {}),
    ...(typeof row.description === 'string' ? { description: row.description } : {}),
    isActive: row.isActive ?? fallbackActive,
    ...(row.publishedAt || row.createdAt ? { createdAt: (row.publishedAt ?? row.createdAt) as string } : {}),
    ...(row.activatedAt ? { activatedAt: row.activatedAt } : {}),
    ...(gate ? { gate } : {}),
  };
}
