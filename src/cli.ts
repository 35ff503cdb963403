import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from './config';
import { createDb, ensureDatabase } from './store/db';
import { migrateLatest, migrationStatus } from './store/migrator';
import { manifest } from './manifest';
import { openStandaloneHost } from './host/standalone-host';
import { createModuleServices, type ModuleServices } from './services/module-services';
import { formatScanResult } from './scan/scanner';
import { ScanWorker } from './scan/scan-worker';
import { ConfigError } from './sla/config';

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
    .description('show migrations and what the module has recorded')
    .action(async () => {
      const config = loadConfig();
      const db = createDb(config.databaseUrl);
      try {
        const { done, pending } = await migrationStatus(db, config.tablePrefix);
        console.log(
          `${manifest.id} ${manifest.version}: ${done.length} migrations applied, ${pending.length} pending`,
        );
        if (done.length) {
          const [{ n }] = await db(`${config.tablePrefix}sla_vigil_timeline`).count({ n: '*' });
          console.log(`timeline events: ${n}`);
        }
      } finally {
        await db.destroy();
      }
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
    .description('run the scan worker until stopped (scans are enqueued by the host cron tick)')
    .action(async () => {
      const runtime = loadConfig();
      const host = await openStandaloneHost(runtime);
      await migrateLatest(host.db, host.tablePrefix);
      const prefix = process.env.QUEUE_PREFIX ?? `${host.tablePrefix}sla_vigil`;
      const worker = new ScanWorker(
        runtime.redisUrl,
        prefix,
        createModuleServices(host).scanner,
        host.clock,
        host.logger,
      );
      console.log(`sla-vigil worker: waiting for scan jobs on ${runtime.redisUrl} (prefix ${prefix})`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await worker.close();
      await host.close();
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
  try {
    await migrateLatest(host.db, host.tablePrefix);
    await work(createModuleServices(host), host);
  } finally {
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
