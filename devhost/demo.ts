import type { RuntimeConfig } from '../src/config';
import { DEVHOST_MAILBOX_PORT } from '../src/host/perfex/perfex-urls';
import { queuePrefixFromEnv } from '../src/scan/queue-prefix';
import { DEFAULT_API_TOKEN, Devhost, refusePublicDefaultToken } from './devhost';
import { DEMO_PASSWORD, setupDevhost } from './setup';

export const DEMO_LOGINS = [
  ['admin@example.com', 'administrator'],
  ['manager@example.com', 'Support Manager: sla_vigil manage'],
  ['agent@example.com', 'Support Agent: sla_vigil view own (badge, SLA tab, My SLA risks)'],
] as const;

/** `npm run demo`: set up and seed (only when empty), then serve the admin until stopped. */
export async function runDemo(config: RuntimeConfig): Promise<void> {
  const apiToken = process.env.DEVHOST_API_TOKEN ?? DEFAULT_API_TOKEN;
  // 127.0.0.1 unless DEVHOST_HOST says otherwise (0.0.0.0 also needs DEVHOST_API_TOKEN).
  const listenHost = process.env.DEVHOST_HOST || undefined;
  // Before setting up or seeding anything.
  refusePublicDefaultToken(apiToken, listenHost);
  const result = await setupDevhost({
    databaseUrl: config.databaseUrl,
    redisUrl: config.redisUrl,
    tablePrefix: config.tablePrefix,
    seed: true,
  });
  const devhost = await Devhost.create({
    databaseUrl: config.databaseUrl,
    databaseReadUrl: config.databaseReadUrl,
    redisUrl: config.redisUrl,
    smtpUrl: config.smtpUrl,
    tablePrefix: config.tablePrefix,
    port: config.port,
    listenHost,
    mailboxPort: Number(process.env.MAILBOX_PORT ?? DEVHOST_MAILBOX_PORT),
    apiToken,
    // Unset: the module derives it from the database, like `sla-vigil worker` does.
    queuePrefix: queuePrefixFromEnv(),
    // Perfex's cron runs every minute; CRON_INTERVAL_SECONDS=0 turns the ticker off.
    cronIntervalMs: cronInterval(process.env.CRON_INTERVAL_SECONDS),
  });
  await devhost.start();
  const lines = [
    '',
    `SLA Vigil demo ${result.seeded ? '(freshly seeded)' : '(existing data kept)'}: ${devhost.url}/admin`,
    `Mailbox (SMTP) on 127.0.0.1:${devhost.mailbox.port}; JSON API token: ${devhost.config.apiToken}`,
    'Logins (password ' + DEMO_PASSWORD + '):',
    ...DEMO_LOGINS.map(([email, what]) => `  ${email.padEnd(22)} ${what}`),
    '',
  ];
  console.log(lines.join('\n'));
  const stop = (): void => {
    void devhost.stop().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function cronInterval(value: string | undefined): number {
  if (value === undefined) return 60_000;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new Error(`CRON_INTERVAL_SECONDS must be a number >= 0 (got "${value}")`);
  return seconds * 1000;
}
