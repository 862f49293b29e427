import 'reflect-metadata';
import { atomsModule } from '@agent-release/adapter-atoms';
import { langdockModule } from '@agent-release/adapter-langdock';
import { type Logger, noopLogger } from '@agent-release/core';
import { coreModule, type TenantDirectory, TOKENS } from '@agent-release/core/di';
import { Container } from 'inversify';
import { ReleaseService } from './release-service.js';
import { type ReleaseObserverFactory, SERVICE_TOKENS } from './service-tokens.js';

/** What the service needs from its host: the tenant directory, and optionally logging/progress. */
export interface ServiceDependencies {
  directory: TenantDirectory;
  logger?: Logger | undefined;
  observers?: ReleaseObserverFactory | undefined;
}

/** Wires the library (core + both adapters) and the service into one container. */
export function buildContainer({
  directory,
  logger = noopLogger,
  observers,
}: ServiceDependencies): Container {
  const container = new Container();
  container.bind(TOKENS.TenantDirectory).toConstantValue(directory);
  container.bind(TOKENS.Logger).toConstantValue(logger);
  container
    .bind<ReleaseObserverFactory>(SERVICE_TOKENS.ReleaseObserverFactory)
    .toConstantValue(observers ?? (() => undefined));
  container.load(coreModule, atomsModule, langdockModule);
  container.bind(SERVICE_TOKENS.ReleaseService).to(ReleaseService).inSingletonScope();
  return container;
}
