import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { RuntimeConfig } from '../../config';
import { openStandaloneHost } from '../standalone-host';
import { PerfexOptions } from '../perfex/perfex-options';
import { createModuleServices, type ModuleServices, type ServiceHost } from '../../wiring/module-services';
import { migrateLatest } from '../../store/migrator';
import { BridgeNonceRepository } from '../../store/bridge-nonce-repository';
import { HeartbeatRepository } from '../../store/heartbeat-repository';
import { ScanQueue } from '../../scan/scan-queue';
import { ScanWorker } from '../../scan/scan-worker';
import { CronTickRequester } from '../../scan/cron-tick';
import { deriveQueuePrefix, queuePrefixFromEnv } from '../../scan/queue-prefix';
import { errorText } from '../../scan/scan-health';
import { createBridgeIntake } from './bridge-intake';
import { createBridgeRouter } from './bridge-router';
import { listFilterCondition } from './bridge-list-filter';
import { BridgeAdminRegistry } from './bridge-admin';
import { bridgePageGate } from './bridge-pages';
import { createBridgeHost } from './bridge-host';
import { createPerfexHostParts } from '../perfex/perfex-host-parts';
import { activate, deactivate } from '../../module-lifecycle';
import { perfexMailRouting, sendingOnPush, type MailSettingsReceiver } from './bridge-mail-settings';

/**
 * Perfex runs its bulk UPDATEs after `before_do_bulk_action_for_tickets`: the scan that records
 * them is queued as the scan of the next cron minute, which runs a minute from now.
 */
export const BULK_SCAN_DELAY_MS = 60_000;

const SITE_URL_REFRESH_MS = 60_000;

export interface BridgeAppParts {
  host: ServiceHost;
  services: ModuleServices;
  scanQueue: ScanQueue;
  redisUrl: string;
  /** Where the activated module mounted its admin routers: served under `/admin` when given. */
  admin?: BridgeAdminRegistry;
  /** Takes Perfex's pushed mail settings (perfexMailRouting); without it they are ignored. */
  mailSettings?: MailSettingsReceiver;
}

/**
 * The service's HTTP app: the signed bridge at `/bridge` and, behind the same signature, the
 * module's admin pages at `/admin/<path>` for the PHP controller to put into Perfex's layout.
 */
export function createBridgeApp({
  host,
  services,
  scanQueue,
  redisUrl,
  admin,
  mailSettings,
}: BridgeAppParts): Express {
  const cronTicks = new CronTickRequester(scanQueue, services.heartbeats, host.logger, redisUrl);
  const options = new PerfexOptions(host.db, host.tablePrefix);
  const intake = createBridgeIntake({
    recorder: services.recorder,
    leads: services.leads.recorder,
    requestScan: () => cronTicks.tick(host.clock.now()),
    requestScanAfterBulk: async () => {
      await scanQueue.request(host.clock.now(), BULK_SCAN_DELAY_MS);
    },
  });
  const app = express();
  app.disable('x-powered-by');
  const signed = {
    secret: () => options.bridgeSecret(),
    nonces: new BridgeNonceRepository(host.db, host.tablePrefix),
    clock: host.clock,
    logger: host.logger,
  };
  const listFilter = listFilterCondition(host.db, host.tablePrefix, host.clock);
  app.use(
    '/bridge',
    createBridgeRouter({
      ...signed,
      intake,
      widgets: admin,
      hostActions: services.hostActions,
      listFilter,
      mailSettings: mailSettings && sendingOnPush(mailSettings, () => services.mailer.sendDue(), host.logger),
    }),
  );
  if (admin) app.use('/admin', ...bridgePageGate(signed), admin.dispatch());
  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  // PHP shows its own "service not reachable" page for a 5xx: no stack trace leaves the service.
  app.use((err: { status?: unknown; type?: unknown }, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof err.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) host.logger.error({ err }, 'sla_vigil service: request failed');
    res.status(status).json({ error: status === 500 ? 'internal_error' : String(err.type ?? 'bad_request') });
  });
  return app;
}

export interface RunningService {
  /** Where it listens (the port the system chose when asked for port 0). */
  host: string;
  port: number;
  queuePrefix: string;
  close(): Promise<void>;
}

/**
 * `sla-vigil serve`: the module's migrations on the host database, the bridge and the module's
 * pages on `hostname:port` and the scan worker (scans, escalations and their mail) in one process.
 */
export async function startBridgeService(config: RuntimeConfig, hostname: string): Promise<RunningService> {
  const host = await openStandaloneHost(config);
  const closers: (() => Promise<void>)[] = [() => host.close()];
  const close = async () => {
    for (const closeOne of closers.splice(0)) await closeOne();
  };
  try {
    await migrateLatest(host.db, host.tablePrefix);
    // Escalation mail goes through SMTP_URL when set, else through Perfex's own SMTP settings.
    const heartbeats = new HeartbeatRepository(host.db, host.tablePrefix);
    const mail = perfexMailRouting(config.smtpUrl, host.logger, (state) => {
      heartbeats
        .beat('mail_route', host.clock.now(), { state })
        .catch((err: unknown) =>
          host.logger.warn({ err }, 'sla_vigil mail: could not record the mail route'),
        );
    });
    // Perfex applies host actions through its own code on its cron; the service never calls into it.
    const services = createModuleServices(host, { hostActions: 'host_pulls', mailRoute: mail.source });
    closers.unshift(() => services.mailer.close());
    const queuePrefix = queuePrefixFromEnv() ?? (await deriveQueuePrefix(host.db, host.tablePrefix));
    const scanQueue = new ScanQueue(config.redisUrl, queuePrefix);
    closers.unshift(() => scanQueue.close());
    const worker = new ScanWorker(config.redisUrl, queuePrefix, services.scanner, host.clock, host.logger, {
      onRedisDown: (error) =>
        services.heartbeats.beat('redis_unreachable', host.clock.now(), { error: errorText(error) }),
      deliveries: services.deliveries,
    });
    // Worker before queue, so no job is picked up from a closing queue.
    closers.unshift(() => worker.close());
    const admin = new BridgeAdminRegistry();
    const perfex = await createPerfexHostParts(host.db, host.tablePrefix);
    const moduleHost = createBridgeHost({
      service: host,
      admin,
      permissions: perfex.permissions,
      options: perfex.options,
      redisUrl: config.redisUrl,
      queuePrefix,
    });
    await activate(moduleHost, services);
    // Perfex's base URL (for links in emails) is read again each minute: it changes rarely.
    const refresh = setInterval(() => {
      host.siteUrl
        .refresh()
        .catch((err: unknown) => host.logger.warn({ err }, "sla_vigil: could not read Perfex's base URL"));
    }, SITE_URL_REFRESH_MS);
    refresh.unref();
    closers.unshift(async () => clearInterval(refresh));
    closers.unshift(() => deactivate(moduleHost));
    const app = createBridgeApp({
      host,
      services,
      scanQueue,
      redisUrl: config.redisUrl,
      admin,
      mailSettings: mail.receiver,
    });
    const server = await new Promise<ReturnType<Express['listen']>>((resolve, reject) => {
      const s = app.listen(config.port, hostname, (err?: Error) => (err ? reject(err) : resolve(s)));
    });
    closers.unshift(
      () =>
        new Promise<void>((resolve) => {
          // Stop taking requests, let the ones in flight finish, drop idle keep-alives.
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
    );
    return { host: hostname, port: (server.address() as AddressInfo).port, queuePrefix, close };
  } catch (err) {
    await close();
    throw err;
  }
}
