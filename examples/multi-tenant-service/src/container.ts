import 'reflect-metadata';
import { atomsModule } from '@agent-release/adapter-atoms/di';
import { langdockModule } from '@agent-release/adapter-langdock/di';
import { type Logger, noopLogger, type ReleaseLedger, type ReleaseLock } from '@agent-release/core';
import { coreModule, type TenantDirectory, TOKENS } from '@agent-release/core/di';
import { createSqliteLedger } from '@agent-release/ledger';
import { Container } from 'inversify';
import { ReleaseService } from './release-service.js';
import { type ReleaseObserverFactory, SERVICE_TOKENS } from './service-tokens.js';

/** What the service needs from its host: the tenant directory, the ledger, and optionally logging/progress. */
export interface ServiceDependencies {
  directory: TenantDirectory;
  /**
   * Where every release and rollback is recorded: a ledger you opened (you close it), or the path
   * of a SQLite file the container opens, migrates and closes on shutdown.
   */
  ledger: ReleaseLedger | { sqlitePath: string };
  /**
   * The release lease held per agent. Default: the SQLite store's own lease when the container
   * opened it (so several service processes on one machine never overlap), else in-process.
   */
  lock?: ReleaseLock | undefined;
  logger?: Logger | undefined;
  observers?: ReleaseObserverFactory | undefined;
}

/**
 * Wires the library (core + both adapters), the ledger and the service into one container.
 * Bound `SERVICE_TOKENS.Shutdown` frees what it opened; `buildApp` calls it when the app closes.
 */
export async function buildContainer({
  directory,
  ledger,
  lock,
  logger = noopLogger,
  observers,
}: ServiceDependencies): Promise<Container> {
  const opened = 'sqlitePath' in ledger ? await createSqliteLedger({ path: ledger.sqlitePath }) : undefined;
  const container = new Container();
  container.bind(TOKENS.TenantDirectory).toConstantValue(directory);
  container.bind(TOKENS.Logger).toConstantValue(logger);
  container.bind<ReleaseLedger>(TOKENS.ReleaseLedger).toConstantValue(opened ?? (ledger as ReleaseLedger));
  const leases = lock ?? opened?.lock;
  if (leases) container.bind<ReleaseLock>(TOKENS.ReleaseLock).toConstantValue(leases);
  container.bind<() => Promise<void>>(SERVICE_TOKENS.Shutdown).toConstantValue(async () => opened?.close());
  container
    .bind<ReleaseObserverFactory>(SERVICE_TOKENS.ReleaseObserverFactory)
    .toConstantValue(observers ?? (() => undefined));
  container.load(coreModule, atomsModule, langdockModule);
  container.bind(SERVICE_TOKENS.ReleaseService).to(ReleaseService).inSingletonScope();
  return container;
}
