import {
  type AgentChanges,
  type Logger,
  type ReleaseResult,
  release,
  type VersionInfo,
} from '@agent-release/core';
import { type TenantReleasers, TOKENS } from '@agent-release/core/di';
import { inject, injectable } from 'inversify';
import { type ReleaseObserverFactory, SERVICE_TOKENS } from './service-tokens.js';

/** What the release route accepts. */
export interface ReleaseRequest {
  changes: AgentChanges;
  label?: string | undefined;
  description?: string | undefined;
  activate?: boolean | undefined;
}

/**
 * The service's release logic: resolve the tenant's releaser and run `release()`. It never looks
 * at the vendor; capabilities and the port do that.
 */
@injectable()
export class ReleaseService {
  constructor(
    @inject(TOKENS.TenantReleasers) private readonly releasers: TenantReleasers,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(SERVICE_TOKENS.ReleaseObserverFactory) private readonly observers: ReleaseObserverFactory,
  ) {}

  async release(tenantId: string, agentId: string, request: ReleaseRequest): Promise<ReleaseResult> {
    const releaser = await this.releasers.get(tenantId);
    const observer = this.observers({ tenantId, agentId });
    const result = await release(releaser, agentId, request.changes, {
      label: request.label,
      description: request.description,
      activate: request.activate,
      observer: (event) => {
        if (event.type === 'step-end') {
          this.logger.info('release step', {
            tenantId,
            agentId,
            provider: event.provider,
            step: event.step.name,
            status: event.step.status,
            durationMs: event.step.durationMs,
            detail: event.step.detail,
          });
        }
        observer?.(event);
      },
    });
    this.logger.info('release finished', {
      tenantId,
      agentId,
      provider: result.provider,
      status: result.status,
      versionId: result.version?.id,
      durationMs: result.durationMs,
    });
    return result;
  }

  async activeVersion(
    tenantId: string,
    agentId: string,
  ): Promise<{ provider: string; active: VersionInfo | null }> {
    const releaser = await this.releasers.get(tenantId);
    return { provider: releaser.provider, active: await releaser.getActiveVersion(agentId) };
  }
}
