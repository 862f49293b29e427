import {
  type AgentChanges,
  type Logger,
  type ReleaseEvent,
  type ReleaseLedger,
  type ReleaseLock,
  type ReleaseResult,
  type RollbackEvent,
  type RollbackResult,
  release,
  rollback,
  type VersionInfo,
} from '@agent-release/core';
import { type TenantReleasers, TOKENS } from '@agent-release/core/di';
import { inject, injectable, optional } from 'inversify';
import { type HistoryEntry, toHistoryEntry } from './history-entry.js';
import { type ReleaseObserverFactory, SERVICE_TOKENS } from './service-tokens.js';

/** What the release route accepts. */
export interface ReleaseRequest {
  changes: AgentChanges;
  label?: string | undefined;
  description?: string | undefined;
  activate?: boolean | undefined;
}

/** What the rollback route accepts: a version id, or `'previous'`. */
export interface RollbackRequest {
  to: string;
}

/** The history route's answer. */
export interface AgentHistory {
  tenant: string;
  agentId: string;
  provider: string;
  /** Newest first. */
  entries: HistoryEntry[];
}

/**
 * The service's release logic: resolve the tenant's releaser and run `release()` / `rollback()`,
 * recording every attempt (tenant and actor included) in the injected ledger. It never looks at
 * the vendor; capabilities and the port do that.
 */
@injectable()
export class ReleaseService {
  constructor(
    @inject(TOKENS.TenantReleasers) private readonly releasers: TenantReleasers,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(SERVICE_TOKENS.ReleaseObserverFactory) private readonly observers: ReleaseObserverFactory,
    @inject(TOKENS.ReleaseLedger) private readonly ledger: ReleaseLedger,
    @inject(TOKENS.ReleaseLock) @optional() private readonly lock?: ReleaseLock,
  ) {}

  async release(
    tenantId: string,
    agentId: string,
    request: ReleaseRequest,
    actor?: string,
  ): Promise<ReleaseResult> {
    const releaser = await this.releasers.get(tenantId);
    const result = await release(releaser, agentId, request.changes, {
      label: request.label,
      description: request.description,
      activate: request.activate,
      ledger: this.ledger,
      lock: this.lock,
      tenant: tenantId,
      actor,
      observer: this.observe(tenantId, agentId, 'release'),
    });
    this.logger.info('release finished', {
      tenantId,
      agentId,
      actor,
      provider: result.provider,
      status: result.status,
      versionId: result.version?.id,
      durationMs: result.durationMs,
    });
    return result;
  }

  async rollback(
    tenantId: string,
    agentId: string,
    request: RollbackRequest,
    actor?: string,
  ): Promise<RollbackResult> {
    const releaser = await this.releasers.get(tenantId);
    const result = await rollback(
      releaser,
      agentId,
      { to: request.to },
      {
        ledger: this.ledger,
        lock: this.lock,
        tenant: tenantId,
        actor,
        observer: this.observe(tenantId, agentId, 'rollback'),
      },
    );
    this.logger.info('rollback finished', {
      tenantId,
      agentId,
      actor,
      provider: result.provider,
      status: result.status,
      versionId: result.version?.id,
      fromVersionId: result.fromVersionId,
      durationMs: result.durationMs,
    });
    return result;
  }

  /** The agent's recorded releases and rollbacks for this tenant, newest first. */
  async history(tenantId: string, agentId: string, limit: number): Promise<AgentHistory> {
    // Resolving the releaser answers 404 for an unknown tenant, like the other routes.
    const releaser = await this.releasers.get(tenantId);
    const entries = await this.ledger.history({ agentId, tenant: tenantId, limit });
    return { tenant: tenantId, agentId, provider: releaser.provider, entries: entries.map(toHistoryEntry) };
  }

  async activeVersion(
    tenantId: string,
    agentId: string,
  ): Promise<{ provider: string; active: VersionInfo | null }> {
    const releaser = await this.releasers.get(tenantId);
    return { provider: releaser.provider, active: await releaser.getActiveVersion(agentId) };
  }

  /**
   * Logs each step and forwards every event to the host's observer. Release and rollback events
   * share their step and gate shapes, so one observer serves both.
   */
  private observe(tenantId: string, agentId: string, operation: 'release' | 'rollback') {
    const observer = this.observers({ tenantId, agentId, operation });
    return (event: ReleaseEvent | RollbackEvent): void => {
      if (event.type === 'step-end') {
        this.logger.info(`${operation} step`, {
          tenantId,
          agentId,
          provider: event.provider,
          step: event.step.name,
          status: event.step.status,
          durationMs: event.step.durationMs,
          detail: event.step.detail,
        });
      }
      if (event.type === 'ledger-error') {
        this.logger.warn(`${operation} not recorded in the ledger`, {
          tenantId,
          agentId,
          provider: event.provider,
          error: event.error instanceof Error ? event.error.name : 'unknown',
        });
      }
      observer?.(event);
    };
  }
}
