import type { Knex } from 'knex';
import type { RuntimeConfig } from '../config';
import { createDb } from '../store/db';
import { createPerfexHostParts } from './perfex/perfex-host-parts';
import { DEVHOST_MAILBOX_SMTP_URL } from './perfex/perfex-urls';
import { PerfexOptions } from './perfex/perfex-options';
import { PerfexSiteUrl } from './perfex/perfex-site-url';
import type { ServiceHost } from '../wiring/module-services';
import { createProcessLogger } from '../wiring/create-logger';
import { PerfexEmailTemplates } from './perfex/perfex-email-templates';

/**
 * The host as the command line sees it: the Perfex database at DATABASE_URL, no HTTP admin.
 * `now` fixes the clock for the whole run (`--now`, for what-ifs and tests).
 */
export async function openStandaloneHost(
  config: RuntimeConfig,
  now?: Date,
): Promise<ServiceHost & { db: Knex; siteUrl: PerfexSiteUrl; close(): Promise<void> }> {
  const db = createDb(config.databaseUrl);
  // The replica for the read models (DATABASE_READ_URL); writes, migrations and the scan stay on db.
  const readDb = config.databaseReadUrl ? createDb(config.databaseReadUrl) : undefined;
  const close = async () => {
    await readDb?.destroy();
    await db.destroy();
  };
  try {
    const parts = await createPerfexHostParts(db, config.tablePrefix);
    // Links in emails: ADMIN_BASE_URL when set, else the base the Perfex module wrote.
    const siteUrl = new PerfexSiteUrl(
      new PerfexOptions(db, config.tablePrefix),
      `http://localhost:${config.port}`,
    );
    const fixedBase = process.env.ADMIN_BASE_URL;
    if (!fixedBase) await siteUrl.refresh();
    const clock = { now: () => now ?? new Date() };
    // stderr: stdout carries the commands' output (JSON, CSV, status lines).
    const logger = createProcessLogger({ level: process.env.LOG_LEVEL ?? 'warn', fd: 2 });
    return {
      db,
      ...(readDb && { readDb }),
      tablePrefix: config.tablePrefix,
      timezone: parts.timezone,
      tickets: parts.tickets,
      leads: parts.leads,
      permissions: parts.permissions,
      notifications: parts.notifications,
      clock,
      logger,
      // What the admin edited under Setup > Email Templates; cached on the real clock (a fixed
      // `--now` would otherwise keep the first read forever, which a one-shot command also wants).
      emailTemplates: new PerfexEmailTemplates(db, config.tablePrefix, logger),
      mail: {
        smtpUrl: config.smtpUrl ?? DEVHOST_MAILBOX_SMTP_URL,
        from: process.env.MAIL_FROM ?? 'SLA Vigil <sla@localhost>',
        get adminBaseUrl() {
          return fixedBase ?? siteUrl.current;
        },
      },
      siteUrl,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
