import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from './config';
import { createDb, ensureDatabase } from './store/db';
import { migrateLatest, migrationStatus } from './store/migrator';
import { manifest } from './manifest';
import { openStandaloneHost } from './host/standalone-host';
import { createModuleServices, type ModuleServices } from './services/module-services';
import { formatScanResult } from './scan/scanner';
import { ScanWorker } from './scan/scan-worker';
import { redisLabel } from './scan/redis-watch';
import { deriveQueuePrefix, queuePrefixFromEnv } from './scan/queue-prefix';
import { errorText, judgeScanHealth, scanHealthLine } from './scan/scan-health';
import { ConfigError } from './sla/config';

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`not a positive number: "${value}"`);
  return n;
}

function isoDate(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError(`not an ISO date: "${value}"`);
  return date;
}

/** `sla-vigil` command line; each command is a few lines that call a service. */
export function buildCli(): Command {
  const program = new Command('sla-vigil').description(manifest.description).version(manifest.version);
  program.showHelpAfterError();

  program
    .command('migrate')
    .description("apply the module's pending migrations to DATABASE_URL")
    .action(async () => {
      const config = loadConfig();
      await ensureDatabase(config.databaseUrl);
      const db = createDb(config.databaseUrl);
      try {
        const applied = await migrateLatest(db, config.tablePrefix);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'nothing to migrate');
      } finally {
        await db.destroy();
      }
    });

  program
    .command('status')
    .description(
      'migrations, clocks, outbox and scan health; exits 1 when scans are late, failing or cannot reach Redis',
    )
    .action(async () => {
      await withServices(undefined, async (services, host) => {
        const { done, pending } = await migrationStatus(host.db, host.tablePrefix);
        console.log(
          `${manifest.id} ${manifest.version}: ${done.length} migrations applied, ${pending.length} pending`,
        );
        console.log(`tickets by SLA state: ${JSON.stringify(await services.subjects.countByState())}`);
        console.log(`outbox: ${JSON.stringify(await services.outbox.counts())}`);
        const prefix = queuePrefixFromEnv() ?? (await deriveQueuePrefix(host.db, host.tablePrefix));
        console.log(`queue prefix: ${prefix}`);
        const [beats, book] = await Promise.all([services.heartbeats.all(), services.clocks.policyBook()]);
        const health = judgeScanHealth(beats, host.clock.now(), book.settings.scanIntervalMinutes * 60_000);
        console.log(
          `last cron tick: ${health.lastTickAt?.toISOString() ?? 'never'}; last scan: ${health.lastScanAt?.toISOString() ?? 'never'}`,
        );
        // Judged by the last finished scan: a ticking cron is no proof that scans run.
        console.log(scanHealthLine(health));
        if (health.cause !== null) process.exitCode = 1;
      });
    });

  const devhost = program.command('devhost').description('the Perfex-compatible development host');
  devhost
    .command('setup')
    .description('create the host tables at DATABASE_URL and activate the module (idempotent)')
    .option('--seed', 'add the demo data when there are no tickets yet')
    .option('--timezone <zone>', "the host's default_timezone (IANA) for a new database", 'UTC')
    .action(async (opts: { seed?: boolean; timezone: string }) => {
      const config = loadConfig();
      const { setupDevhost } = await import('../devhost/setup');
      const result = await setupDevhost({
        databaseUrl: config.databaseUrl,
        redisUrl: config.redisUrl,
        tablePrefix: config.tablePrefix,
        timezone: opts.timezone,
        seed: opts.seed,
      });
      console.log(
        `devhost ${result.created ? 'created' : 'already set up'}; module active; ${result.seeded ? 'demo data seeded' : 'no seed added'}`,
      );
    });

  program
    .command('demo')
    .description('set up (seeding when empty) and serve the devhost with the module active')
    .action(async () => {
      const { runDemo } = await import('../devhost/demo');
      await runDemo(loadConfig());
    });

  program
    .command('ticket')
    .argument('<id>', 'ticket id')
    .option('--now <iso>', 'evaluate at this instant', isoDate)
    .description("print a ticket's SLA as JSON (every cycle, with explanations)")
    .action(async (idText: string, opts: { now?: Date }) => {
      const id = Number(idText);
      if (!Number.isInteger(id) || id <= 0)
        throw new InvalidArgumentError(`ticket id must be a positive integer (got "${idText}")`);
      await withServices(opts.now, async (services, host) => {
        const sla = await services.ticketSla.get(id, host.clock.now(), host.timezone);
        if (!sla)
          throw new Error(`ticket ${id} is not known to SLA Vigil (run \`sla-vigil scan --once\` first)`);
        console.log(JSON.stringify(sla, null, 2));
      });
    });

  program
    .command('scan')
    .description('reconcile the host, recompute changed tickets and advance due clocks')
    .requiredOption('--once', 'run one scan and exit (the worker runs them on every cron tick)')
    .option('--now <iso>', 'run the whole scan at this instant', isoDate)
    .action(async (opts: { now?: Date }) => {
      await withServices(opts.now, async (services, host) => {
        console.log(formatScanResult(await services.scanner.run(host.clock.now())));
      });
    });

  program
    .command('worker')
    .description('run the scan worker (scans, escalations, mail) until SIGTERM')
    .option(
      '--every <seconds>',
      'when the host has no cron: schedule a scan every N seconds (a BullMQ job scheduler, upserted once)',
      positiveNumber,
    )
    .action(async (opts: { every?: number }) => {
      const runtime = loadConfig();
      await withServices(undefined, async (services, host) => {
        // The same prefix the host's own process derives from the database, unless set.
        const prefix = queuePrefixFromEnv() ?? (await deriveQueuePrefix(host.db, host.tablePrefix));
        // With --every the worker upserts its scan schedule on every (re)connect, so a Redis
        // that comes back empty keeps the scans going; outages are logged once each way.
        const worker = new ScanWorker(runtime.redisUrl, prefix, services.scanner, host.clock, host.logger, {
          everyMs: opts.every ? opts.every * 1000 : undefined,
          onRedisDown: (error) =>
            services.heartbeats.beat('redis_unreachable', host.clock.now(), { error: errorText(error) }),
        });
        console.log(`sla-vigil worker: scans from ${redisLabel(runtime.redisUrl)} (prefix ${prefix})`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        // Finish the job at hand, then close.
        await worker.close();
      });
    });

  const config = program
    .command('config')
    .description('the configuration document (calendars, policies, settings)');
  config
    .command('export')
    .description('print the configuration as JSON')
    .action(async () => {
      await withServices(undefined, async (services) => {
        console.log(JSON.stringify(await services.config.export(), null, 2));
      });
    });
  config
    .command('import')
    .argument('<file>', 'JSON document')
    .description('validate and apply a configuration document in one transaction (all or nothing)')
    .action(async (file: string) => {
      const { readFile } = await import('node:fs/promises');
      let doc: unknown;
      try {
        doc = JSON.parse(await readFile(file, 'utf8'));
      } catch (err) {
        throw new Error(`${file}: not readable JSON (${(err as Error).message})`, { cause: err });
      }
      await withServices(undefined, async (services) => {
        const result = await services.config.import(doc);
        console.log(`imported ${result.calendars} calendars and ${result.policies} policies`);
      });
    });

  return program;
}

/** Opens the host database, builds the services, runs `work`, and always closes the pool. */
async function withServices(
  now: Date | undefined,
  work: (services: ModuleServices, host: Awaited<ReturnType<typeof openStandaloneHost>>) => Promise<void>,
): Promise<void> {
  const host = await openStandaloneHost(loadConfig(), now);
  let services: ModuleServices | null = null;
  try {
    await migrateLatest(host.db, host.tablePrefix);
    services = createModuleServices(host);
    await work(services, host);
  } finally {
    await services?.mailer.close();
    await host.close();
  }
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (err) {
    // Every problem of an invalid document, one per line with its path.
    if (err instanceof ConfigError)
      throw new Error(
        `invalid configuration:\n${err.issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
        { cause: err },
      );
    throw err;
  }
}
