import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Clock, HostContext } from '../src/host/host-context';
import { HOST_CONTRACT_VERSION } from '../src/host/host-context';
import { createDb } from '../src/store/db';
import { createProcessLogger } from '../src/wiring/create-logger';
import { createPerfexHostParts } from '../src/host/perfex/perfex-host-parts';
import type { PerfexPermissions } from '../src/host/perfex/perfex-permissions';
import { HookBus } from './hook-bus';
import { DevhostAdminRegistry } from './admin-registry';
import { TicketService } from './ticket-service';
import { LeadService } from './lead-service';
import { DevhostLeadGateway } from './devhost-lead-gateway';
import { DevhostTicketGateway } from './devhost-ticket-gateway';
import { ModuleLoader, type ModuleApi, type ModuleManifest } from './module-loader';
import { Mailbox } from './mailbox';
import { CronTicker } from './cron-ticker';
import { createDevhostApp } from './web/app';
import type { Express } from 'express';
import type { LoginLimits } from './web/login-throttle';

/** The JSON API's token when none is set: public (it is in the README), so only for loopback. */
export const DEFAULT_API_TOKEN = 'devhost-token';

/** Where the HTTP admin listens when not told: this machine only. */
export const DEFAULT_LISTEN_HOST = '127.0.0.1';

/** Fails fast when the public default API token would be reachable from other machines. */
export function refusePublicDefaultToken(apiToken: string, listenHost = DEFAULT_LISTEN_HOST): void {
  if (apiToken === DEFAULT_API_TOKEN && !isLoopback(listenHost)) {
    throw new Error(
      `The devhost would listen on ${listenHost}, reachable from other machines, with the public default API token: set DEVHOST_API_TOKEN to a secret of your own (at least 8 characters)`,
    );
  }
}

/** An address only this machine can reach (`0.0.0.0` and `::` listen on every interface). */
export function isLoopback(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return (
    h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h)
  );
}

export interface DevhostConfig {
  databaseUrl: string;
  /** A replica of databaseUrl for the module's read models (DATABASE_READ_URL). */
  databaseReadUrl?: string;
  redisUrl: string;
  /** SMTP for outgoing mail; when unset, the devhost's own mailbox. */
  smtpUrl?: string;
  port?: number;
  /** Address the HTTP admin listens on (default 127.0.0.1; `0.0.0.0` for every interface). */
  listenHost?: string;
  /** 0 = any free port; null = no mailbox. */
  mailboxPort?: number | null;
  tablePrefix?: string;
  /** Bearer token for the JSON API. */
  apiToken?: string;
  /** How often the cron ticker fires `after_cron_run`; 0 disables it. */
  cronIntervalMs?: number;
  sessionSecret?: string;
  /** Failed sign-ins allowed per email and per client address in a window (defaults: 5, 20, 15 min). */
  loginLimits?: LoginLimits;
  clock?: Clock;
  logger?: Logger;
  /** Where module folders (each with module.json) live. */
  moduleDirs?: string[];
  /** Base URL of the admin for links in emails (default http://localhost:<port>). */
  adminBaseUrl?: string;
  /** BullMQ key prefix for this host's module queues (tests use one per file). */
  queuePrefix?: string;
  loadModuleEntry?: (dir: string, manifest: ModuleManifest) => ModuleApi;
}

export const PROJECT_ROOT = path.resolve(
  __dirname,
  __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..',
);

/** The Perfex-compatible development host, wired: database, hooks, admin, modules, mailbox, cron. */
export class Devhost {
  readonly hooks: HookBus;
  readonly admin: DevhostAdminRegistry;
  readonly app: Express;
  /** Perfex's lead actions (tblleads and the lead hooks). */
  readonly leads: LeadService;
  server: Server | null = null;

  private constructor(
    readonly config: Required<Pick<DevhostConfig, 'tablePrefix' | 'apiToken' | 'cronIntervalMs'>> &
      DevhostConfig,
    readonly db: Knex,
    readonly host: HostContext,
    readonly tickets: TicketService,
    readonly permissions: PerfexPermissions,
    readonly loader: ModuleLoader,
    readonly mailbox: Mailbox,
    readonly cron: CronTicker,
    hooks: HookBus,
    admin: DevhostAdminRegistry,
    leads: LeadService,
  ) {
    this.hooks = hooks;
    this.admin = admin;
    this.leads = leads;
    this.app = createDevhostApp(this);
  }

  /** Connects to a database that `devhost setup` prepared. */
  static async create(input: DevhostConfig): Promise<Devhost> {
    const config = {
      tablePrefix: 'tbl',
      apiToken: DEFAULT_API_TOKEN,
      cronIntervalMs: 60_000,
      ...input,
    };
    if (config.apiToken.trim().length < 8) {
      throw new Error('DEVHOST_API_TOKEN must be at least 8 characters (an empty token would open the API)');
    }
    refusePublicDefaultToken(config.apiToken, config.listenHost);
    // Readable lines at a terminal, JSON in production or when piped (create-logger.ts).
    const logger = config.logger ?? createProcessLogger({ level: process.env.LOG_LEVEL ?? 'info', fd: 1 });
    const clock = config.clock ?? { now: () => new Date() };
    const db = createDb(config.databaseUrl);
    const readDb = config.databaseReadUrl ? createDb(config.databaseReadUrl) : undefined;
    const prefix = config.tablePrefix;
    const parts = await createPerfexHostParts(db, prefix);
    const hooks = new HookBus(logger);
    const admin = new DevhostAdminRegistry((res, page) =>
      (res.locals.renderLayout as (p: typeof page) => void)(page),
    );
    const mailbox = new Mailbox(db, prefix, parts.timezone, logger);
    const tickets = new TicketService(db, prefix, hooks, clock, parts.timezone);
    const cron = new CronTicker(hooks, config.cronIntervalMs, clock);
    const leads = new LeadService(db, prefix, hooks, clock, parts.timezone);
    const host: HostContext = {
      contractVersion: HOST_CONTRACT_VERSION,
      db,
      ...(readDb && { readDb }),
      tablePrefix: prefix,
      timezone: parts.timezone,
      tickets: new DevhostTicketGateway(db, prefix, parts.timezone, tickets),
      leads: new DevhostLeadGateway(db, prefix, parts.timezone, leads),
      hooks,
      admin,
      permissions: parts.permissions,
      // Resolved lazily: the mailbox port is known only after start().
      mail: {
        get smtpUrl() {
          return config.smtpUrl ?? `smtp://127.0.0.1:${mailbox.port}`;
        },
        from: 'SLA Vigil <sla@devhost.local>',
        get adminBaseUrl() {
          return config.adminBaseUrl ?? `http://localhost:${config.port || 3000}`;
        },
      },
      options: parts.options,
      notifications: parts.notifications,
      clock,
      logger,
      cron,
      redisUrl: config.redisUrl,
      queuePrefix: config.queuePrefix,
    };
    const loader = new ModuleLoader(
      db,
      prefix,
      host,
      config.moduleDirs ?? [PROJECT_ROOT],
      config.loadModuleEntry,
    );
    return new Devhost(
      config,
      db,
      host,
      tickets,
      parts.permissions,
      loader,
      mailbox,
      cron,
      hooks,
      admin,
      leads,
    );
  }

  /** Activates the modules `tblmodules` marks active, starts mailbox, cron and (optionally) HTTP. */
  async start({ listen = true }: { listen?: boolean } = {}): Promise<void> {
    if (this.config.mailboxPort !== null) await this.mailbox.start(this.config.mailboxPort ?? 0);
    await this.loader.activateRecorded();
    this.cron.start();
    if (listen) {
      const server = this.app.listen(this.config.port ?? 3000, this.config.listenHost ?? DEFAULT_LISTEN_HOST);
      await new Promise<void>((resolve, reject) => {
        server.once('listening', resolve);
        server.once('error', reject);
      });
      this.server = server;
    }
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    return `http://localhost:${address?.port ?? this.config.port ?? 3000}`;
  }

  async stop(): Promise<void> {
    this.cron.stop();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await this.loader.close();
    await this.mailbox.stop();
    await this.host.readDb?.destroy();
    await this.db.destroy();
  }
}
