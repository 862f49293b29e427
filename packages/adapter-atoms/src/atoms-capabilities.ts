/**
 * How Atoms behaves, per API generation, as the port's `ReleaserCapabilities`. `release()` only
 * relies on `activation` through each published version's `isActive` and on
 * `confirmsActiveVersion`, which both generations share.
 */
import type { ReleaserCapabilities } from '@agent-release/core';
import type { AtomsApiGeneration } from './atoms-strategy.js';

/**
 * Atoms v1: a published version goes live only through an explicit activate, which the
 * post-publish security check gates; many drafts per agent; full version history; rollback by
 * re-activating an older version; the agent names its active version.
 */
export const ATOMS_CAPABILITIES: ReleaserCapabilities = Object.freeze({
  activation: 'explicit',
  publishGate: 'security-check',
  drafts: 'many',
  versionHistory: true,
  rollback: 'reactivate',
  confirmsActiveVersion: true,
});

/**
 * Atoms v2 (branch model): publishing on the live branch (the default target) is live at once,
 * after the publish's security scan; one draft per branch; revisions are listed per branch;
 * rollback restores an older revision as a **new** head revision (`republish`); the live
 * branch's head names the active revision.
 */
export const ATOMS_V2_CAPABILITIES: ReleaserCapabilities = Object.freeze({
  activation: 'on-publish',
  publishGate: 'security-check',
  drafts: 'one',
  versionHistory: true,
  rollback: 'republish',
  confirmsActiveVersion: true,
});

/** The capabilities of one Atoms API generation. */
export function atomsCapabilitiesOf(generation: AtomsApiGeneration): ReleaserCapabilities {
  return generation === 'v2' ? ATOMS_V2_CAPABILITIES : ATOMS_CAPABILITIES;
}
