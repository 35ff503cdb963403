import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from './config';
import { createDb, ensureDatabase } from './store/db';
import { migrateLatest, migrationStatus } from './store/migrator';
import { manifest } from './manifest';
import { openStandaloneHost } from './host/standalone-host';
import { createModuleServices, type ModuleServices } from './services/module-services';
import { formatScanResult } from './scan/scanner';
import { ScanWorker } from './scan/scan-worker';
import { ScanQueue } from './scan/scan-queue';
import { cronOverdue } from './store/heartbeat-repository';
import { ConfigError } from './sla/config';
import { PASSED_LEVEL_CHOICES, type PassedLevelChoice } from './sla/escalation/passed-levels';

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
    .description('migrations, clocks, outbox and heartbeats; exits 1 when the cron has stopped ticking')
    .action(async () => {
      await withServices(undefined, async (services, host) => {
        const { done, pending } = await migrationStatus(host.db, host.tablePrefix);
        console.log(
          `${manifest.id} ${manifest.version}: ${done.length} migrations applied, ${pending.length} pending`,
        );
        console.log(`tickets by SLA state: ${JSON.stringify(await services.subjects.countByState())}`);
        console.log(`outbox: ${JSON.stringify(await services.outbox.counts())}`);
        const beats = await services.heartbeats.all();
        const tick = beats.get('cron_tick')?.at;
        const scan = beats.get('scan_finished');
        console.log(
          `last cron tick: ${tick?.toISOString() ?? 'never'}; last scan: ${scan?.at.toISOString() ?? 'never'}`,
        );
        if (cronOverdue(tick, host.clock.now())) {
          console.log(
            'cron: no tick for more than 3 minutes; run the host cron or `sla-vigil worker --every 60`',
          );
          process.exitCode = 1;
        }
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
      const prefix = process.env.QUEUE_PREFIX ?? `${runtime.tablePrefix}sla_vigil`;
      await withServices(undefined, async (services, host) => {
        const worker = new ScanWorker(runtime.redisUrl, prefix, services.scanner, host.clock, host.logger);
        const queue = new ScanQueue(runtime.redisUrl, prefix);
        if (opts.every) await queue.schedule(opts.every * 1000);
        console.log(`sla-vigil worker: scans from ${runtime.redisUrl} (prefix ${prefix})`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        // Finish the job at hand, then close the worker before the queue.
        await worker.close();
        await queue.close();
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
    .addOption(
      new Option(
        '--passed-levels <choice>',
        'escalation levels already passed on open tickets: fire them at the next scan, or skip them',
      )
        .choices(PASSED_LEVEL_CHOICES)
        .default('fire'),
    )
    .action(async (file: string, opts: { passedLevels: PassedLevelChoice }) => {
      const { readFile } = await import('node:fs/promises');
      let doc: unknown;
      try {
        doc = JSON.parse(await readFile(file, 'utf8'));
      } catch (err) {
        throw new Error(`${file}: not readable JSON (${(err as Error).message})`, { cause: err });
      }
      await withServices(undefined, async (services, host) => {
        const impact =
          opts.passedLevels === 'fire' ? await services.config.previewImport(doc, host.clock.now()) : null;
        const result = await services.config.import(doc, null, { passedLevels: opts.passedLevels });
        console.log(`imported ${result.calendars} calendars and ${result.policies} policies`);
        if (result.skippedLevels !== undefined)
          console.log(
            `skipped ${result.skippedLevels} escalation levels that had already passed on open tickets`,
          );
        if (impact && impact.levels > 0)
          console.log(
            `the next scan fires ${impact.levels} escalation levels that have already passed on ${impact.tickets} ` +
              `open tickets (${impact.emails} emails, ${impact.reassignments} reassignments, ` +
              `${impact.priorityRaises} priority raises); --passed-levels skip would have skipped them`,
          );
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
