import path from 'node:path';
import type { HostContext, HostEventHandler, HostEventName, Unregister } from './host/host-context';
import { HOST_CONTRACT_VERSION } from './host/host-context';
import { manifest } from './manifest';
import { migrateDownAll, migrateLatest } from './store/migrator';
import { createModuleServices, type ModuleServices } from './wiring/module-services';
import { ScanQueue } from './scan/scan-queue';
import { ScanWorker } from './scan/scan-worker';
import { CronTickRequester } from './scan/cron-tick';
import { deriveQueuePrefix } from './scan/queue-prefix';
import { errorText } from './scan/scan-health';
import { createAdminRouter } from './web/admin-router';
import { createTicketListColumn } from './web/ticket-list-column';
import { createTicketPanel } from './web/ticket-panel';
import { createLeadListColumn } from './web/lead-list-column';
import { createLeadPanel } from './web/lead-panel';
import { createMyRisksWidget } from './web/my-risks-widget';
import type { HookDeps, HookFactory } from '../hooks/hook-deps';

/** The compiled code root: src/.. in ts-jest, dist/ when built; hook paths in module.json are relative to it. */
const CODE_ROOT = path.resolve(__dirname, '..');

interface ActiveModule {
  unregister: Unregister[];
  close: (() => Promise<void>)[];
}

// Keyed by host so one process can host several (tests do); nothing else is module-global.
const active = new WeakMap<HostContext, ActiveModule>();

export function isActive(host: HostContext): boolean {
  return active.has(host);
}

/**
 * Runs the module's pending migrations and registers its hooks, permissions, menu, routes,
 * ticket-list column, ticket-view panel and home-page widget, and starts its scan worker. Activating an active
 * module is a no-op.
 */
export async function activate(host: HostContext, built?: ModuleServices): Promise<void> {
  if (active.has(host)) return;
  if (host.contractVersion.split('.')[0] !== manifest.requires.hostContract.split('.')[0]) {
    throw new Error(
      `sla_vigil needs host contract ${manifest.requires.hostContract}, host offers ${host.contractVersion}`,
    );
  }
  await migrateLatest(host.db, host.tablePrefix);

  // A host that already built the services (`sla-vigil serve`, whose bridge uses them too)
  // hands them in, so one process has one set; otherwise the module builds and owns its own.
  const services = built ?? createModuleServices(host);
  // Derived from the database unless the host sets it: hosts sharing a Redis never share a queue.
  const queuePrefix = host.queuePrefix ?? (await deriveQueuePrefix(host.db, host.tablePrefix));
  const scanQueue = new ScanQueue(host.redisUrl, queuePrefix);
  const cronTicks = new CronTickRequester(scanQueue, services.heartbeats, host.logger, host.redisUrl);
  const translator = services.translator;
  const deps: HookDeps = {
    recorder: services.recorder,
    leads: services.leads.recorder,
    requestScan: () => cronTicks.tick(host.clock.now()),
  };

  const state: ActiveModule = {
    unregister: [],
    close: [() => scanQueue.close(), ...(built ? [] : [() => services.mailer.close()])],
  };
  const { unregister } = state;
  for (const [event, file] of Object.entries(manifest.hooks)) {
    unregister.push(registerHook(host, event as HostEventName, file, deps));
  }
  const { feature, capabilities, label } = manifest.permissions;
  unregister.push(host.permissions.register(feature, capabilities, label));
  for (const item of manifest.menu) unregister.push(host.admin.addMenuItem({ ...item, feature }));
  unregister.push(host.admin.mountRouter('sla_vigil', createAdminRouter({ host, services, translator })));
  unregister.push(host.admin.addTicketListColumn(createTicketListColumn(host, translator)));
  unregister.push(host.admin.addTicketPanel(createTicketPanel(host, services, translator)));
  unregister.push(host.admin.addDashboardWidget(createMyRisksWidget(host, translator)));
  // Lead pieces only where the host has leads and a lead list to put them in (both optional).
  if (host.leads && host.admin.addLeadListColumn)
    unregister.push(host.admin.addLeadListColumn(createLeadListColumn(host, host.leads, translator)));
  if (host.leads && host.admin.addLeadPanel)
    unregister.push(host.admin.addLeadPanel(createLeadPanel(host, host.leads, services, translator)));
  if (host.runWorkers !== false) {
    const worker = new ScanWorker(host.redisUrl, queuePrefix, services.scanner, host.clock, host.logger, {
      onRedisDown: (error) =>
        services.heartbeats.beat('redis_unreachable', host.clock.now(), { error: errorText(error) }),
      deliveries: services.deliveries,
    });
    state.close.unshift(() => worker.close());
  }
  active.set(host, state);
  host.logger.info({ module: manifest.id, version: manifest.version }, 'sla_vigil activated');
}

function registerHook(host: HostContext, event: HostEventName, file: string, deps: HookDeps): Unregister {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(path.join(CODE_ROOT, file)) as { default?: unknown };
  if (typeof loaded.default !== 'function')
    throw new Error(`module.json hook ${event}: ${file} has no default export`);
  const factory = loaded.default as HookFactory<typeof event>;
  return host.hooks.on(event, factory(deps) as HostEventHandler<typeof event>);
}

/** Stops the module's workers and unregisters everything; the data stays. */
export async function deactivate(host: HostContext): Promise<void> {
  const state = active.get(host);
  if (!state) return;
  active.delete(host);
  for (const undo of state.unregister.reverse()) undo();
  // Worker before queue, so no job is picked up from a closing queue.
  for (const close of state.close) await close();
  host.logger.info({ module: manifest.id }, 'sla_vigil deactivated');
}

/** Drops the module's tables (after deactivate); the host's tables are never touched. */
export async function uninstall(host: HostContext): Promise<void> {
  await deactivate(host);
  await migrateDownAll(host.db, host.tablePrefix);
  host.logger.info({ module: manifest.id }, 'sla_vigil uninstalled');
}

export { HOST_CONTRACT_VERSION };
