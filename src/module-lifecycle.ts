import path from 'node:path';
import type { HostContext, HostEventHandler, HostEventName, Unregister } from './host/host-context';
import { HOST_CONTRACT_VERSION } from './host/host-context';
import { manifest } from './manifest';
import { migrateDownAll, migrateLatest } from './store/migrator';
import { TimelineRepository } from './store/timeline-repository';
import { TicketEventRecorder } from './timeline/ticket-event-recorder';
import { ScanQueue } from './scan/scan-queue';
import { createAdminRouter } from './web/admin-router';
import { createTranslator, translatorFor } from './web/i18n';
import { renderView } from './web/render';
import { escapeHtml } from './web/escape-html';
import type { HookDeps, HookFactory } from '../hooks/hook-deps';

/** The compiled code root: src/.. in ts-jest, dist/ when built; hook paths in module.json are relative to it. */
const CODE_ROOT = path.resolve(__dirname, '..');

interface ActiveModule {
  unregister: Unregister[];
  scanQueue: ScanQueue;
}

// Keyed by host so one process can host several (tests do); nothing else is module-global.
const active = new WeakMap<HostContext, ActiveModule>();

export function isActive(host: HostContext): boolean {
  return active.has(host);
}

/**
 * Runs the module's pending migrations and registers its hooks, permissions, menu, routes,
 * ticket-list column and ticket-view panel. Activating an active module is a no-op.
 */
export async function activate(host: HostContext): Promise<void> {
  if (active.has(host)) return;
  if (host.contractVersion.split('.')[0] !== manifest.requires.hostContract.split('.')[0]) {
    throw new Error(
      `sla_vigil needs host contract ${manifest.requires.hostContract}, host offers ${host.contractVersion}`,
    );
  }
  await migrateLatest(host.db, host.tablePrefix);

  const timeline = new TimelineRepository(host.db, host.tablePrefix);
  const recorder = new TicketEventRecorder(timeline, host.tickets, host.clock, host.logger);
  const scanQueue = new ScanQueue(host.redisUrl, `${host.tablePrefix}sla_vigil`);
  const translator = createTranslator();
  const deps: HookDeps = {
    recorder,
    requestScan: async () => {
      await scanQueue.request(host.clock.now());
    },
  };

  const unregister: Unregister[] = [];
  for (const [event, file] of Object.entries(manifest.hooks)) {
    unregister.push(registerHook(host, event as HostEventName, file, deps));
  }
  const { feature, capabilities, label } = manifest.permissions;
  unregister.push(host.permissions.register(feature, capabilities, label));
  for (const item of manifest.menu) unregister.push(host.admin.addMenuItem({ ...item, feature }));
  unregister.push(host.admin.mountRouter('sla_vigil', createAdminRouter({ host, timeline, translator })));
  unregister.push(
    host.admin.addTicketListColumn({
      key: 'sla_vigil',
      title: 'SLA',
      render: async (ticketIds) => {
        const counts = await timeline.countsFor('ticket', ticketIds);
        const t = translatorFor(translator, 'en');
        return new Map(
          ticketIds.map((id) => [
            id,
            counts.has(id)
              ? `<span class="sv-badge sv-badge--pending" title="${escapeHtml(t('column.not_computed'))}">…</span>`
              : '<span class="sv-badge sv-badge--none">—</span>',
          ]),
        );
      },
    }),
  );
  unregister.push(
    host.admin.addTicketPanel({
      key: 'sla_vigil',
      title: 'SLA',
      render: async (ticketId) => {
        const events = await timeline.forSubject('ticket', ticketId);
        return renderView('partials/ticket-panel', { t: translatorFor(translator, 'en'), events });
      },
    }),
  );
  active.set(host, { unregister, scanQueue });
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
  await state.scanQueue.close();
  host.logger.info({ module: manifest.id }, 'sla_vigil deactivated');
}

/** Drops the module's tables (after deactivate); the host's tables are never touched. */
export async function uninstall(host: HostContext): Promise<void> {
  await deactivate(host);
  await migrateDownAll(host.db, host.tablePrefix);
  host.logger.info({ module: manifest.id }, 'sla_vigil uninstalled');
}

export { HOST_CONTRACT_VERSION };
