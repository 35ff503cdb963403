import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from './config';
import { createDb, ensureDatabase } from './store/db';
import { migrateLatest, migrationStatus } from './store/migrator';
import { manifest } from './manifest';
import { openStandaloneHost } from './host/standalone-host';
import { hostActionModeOf } from './host/perfex/perfex-host-action-mode';
import { createModuleServices, type ModuleServices } from './wiring/module-services';
import { formatScanResult } from './scan/scanner';
import { redisLabel } from './scan/redis-watch';
import { bullPrefix } from './scan/redis-connection';
import { deriveQueuePrefix, queuePrefixFromEnv } from './scan/queue-prefix';
import { errorText, judgeScanHealth, scanHealthLine } from './scan/scan-health';
import { ConfigError } from './sla/config';
import { MAX_ID, parseId, parseInstant } from './sla/strict-input';
import { parseStrictJson } from './sla/strict-json';
import { formatScanPlan, planScan } from './scan/scan-plan';
import { createPerfexHostParts } from './host/perfex/perfex-host-parts';
import { PASSED_LEVEL_CHOICES, type PassedLevelChoice } from './sla/escalation/passed-levels';
import { mailRouteLine, mailRoutedByServe } from './notify/mail-route-status';
import { NoMailRoute } from './notify/mail-route';
import { HeartbeatRepository } from './store/heartbeat-repository';

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`not a positive number: "${value}"`);
  return n;
}

function isoDate(value: string): Date {
  const date = parseInstant(value);
  if (!date)
    throw new InvalidArgumentError(
      `not an ISO-8601 instant with a zone, such as 2026-03-09T08:00:00Z or 2026-03-09T09:00+01:00: "${value}"`,
    );
  return date;
}

function ticketId(value: string): number {
  return subjectId('ticket', value);
}

function subjectId(type: string, value: string): number {
  const id = parseId(value);
  if (id === undefined)
    throw new InvalidArgumentError(
      `${type} id must be a positive integer in decimal digits, at most ${MAX_ID}: "${value}"`,
    );
  return id;
}

/** How far `--now` may run ahead of this machine's clock before a scan there counts as time travel. */
const FUTURE_TOLERANCE_MS = 60_000;

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
        console.log(`leads by SLA state: ${JSON.stringify(await services.leads.subjects.countByState())}`);
        const outbox = await services.outbox.counts();
        console.log(`outbox: ${JSON.stringify(outbox)}`);
        const prefix = queuePrefixFromEnv() ?? (await deriveQueuePrefix(host.db, host.tablePrefix));
        console.log(`queue prefix: ${prefix}`);
        const [beats, book] = await Promise.all([services.heartbeats.all(), services.clocks.policyBook()]);
        const health = judgeScanHealth(beats, host.clock.now(), book.settings.scanIntervalMinutes * 60_000);
        console.log(
          `last cron tick: ${health.lastTickAt?.toISOString() ?? 'never'}; last scan: ${health.lastScanAt?.toISOString() ?? 'never'}`,
        );
        // Judged by the last finished scan: a ticking cron is no proof that scans run.
        console.log(scanHealthLine(health));
        const mail = mailRouteLine(beats, outbox.pending);
        if (mail) console.log(mail);
        if (health.cause !== null) process.exitCode = 1;
      });
    });

  program
    .command('ticket')
    .argument('<id>', 'ticket id')
    .option('--now <iso>', 'evaluate at this instant (ISO-8601 with a zone)', isoDate)
    .description("print a ticket's SLA as JSON (every cycle, with explanations); writes nothing")
    .action(async (idText: string, opts: { now?: Date }) => {
      const id = ticketId(idText);
      await withServices(
        opts.now,
        async (services, host) => {
          const sla = await services.ticketSla.get(id, host.clock.now(), host.timezone);
          if (!sla)
            throw new Error(`ticket ${id} is not known to SLA Vigil (run \`sla-vigil scan --once\` first)`);
          console.log(JSON.stringify(sla, null, 2));
        },
        { readOnly: true },
      );
    });

  program
    .command('subject')
    .argument('<type>', 'subject type: ticket or lead')
    .argument('<id>', 'subject id')
    .option('--now <iso>', 'evaluate at this instant (ISO-8601 with a zone)', isoDate)
    .description(
      "print a ticket's or lead's SLA as JSON ({ subjectType, subjectId, policy, state, clocks }); writes nothing",
    )
    .action(async (type: string, idText: string, opts: { now?: Date }) => {
      if (type !== 'ticket' && type !== 'lead')
        throw new InvalidArgumentError(`subject type must be "ticket" or "lead": "${type}"`);
      const id = subjectId(type, idText);
      await withServices(
        opts.now,
        async (services, host) => {
          const read = type === 'ticket' ? services.ticketSla.subject : services.leads.sla;
          const sla = await read.get(id, host.clock.now(), host.timezone);
          if (!sla)
            throw new Error(`${type} ${id} is not known to SLA Vigil (run \`sla-vigil scan --once\` first)`);
          console.log(JSON.stringify(sla, null, 2));
        },
        { readOnly: true },
      );
    });

  program
    .command('scan')
    .description('reconcile the host, recompute changed tickets and advance due clocks')
    .requiredOption('--once', 'run one scan and exit (the worker runs them on every cron tick)')
    .option('--now <iso>', 'run the whole scan at this instant (ISO-8601 with a zone)', isoDate)
    .option(
      '--allow-future',
      'let --now run ahead of the real clock (fires and sends what that moment would)',
    )
    .option('--dry-run', 'print what the scan would change and send, and write nothing')
    .option('--json', 'with --dry-run: print the plan as JSON')
    .action(async (opts: { now?: Date; allowFuture?: boolean; dryRun?: boolean; json?: boolean }) => {
      if (opts.dryRun) {
        await withServices(
          opts.now,
          async (_services, host) => {
            // Host actions as the real scan would treat them: performed, or left to a paired Perfex.
            const plan = await planScan(
              host,
              host.clock.now(),
              (db) => createPerfexHostParts(db, host.tablePrefix),
              await hostActionModeOf(host.db, host.tablePrefix),
            );
            console.log(opts.json ? JSON.stringify(plan, null, 2) : formatScanPlan(plan));
          },
          { readOnly: true },
        );
        return;
      }
      const ahead = opts.now ? opts.now.getTime() - Date.now() : 0;
      if (ahead > FUTURE_TOLERANCE_MS && !opts.allowFuture)
        throw new Error(
          `--now ${opts.now?.toISOString()} is ${Math.round(ahead / 60_000)} minutes ahead of this machine's clock: ` +
            'a scan there would breach clocks, fire escalations, send email and change tickets early, for real. ' +
            'Add --dry-run to see what it would do without writing anything, or --allow-future on a test copy.',
        );
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
        // Loaded here: BullMQ is the worker's alone, not every command's.
        const { ScanWorker } = await import('./scan/scan-worker');
        const worker = new ScanWorker(runtime.redisUrl, prefix, services.scanner, host.clock, host.logger, {
          everyMs: opts.every ? opts.every * 1000 : undefined,
          onRedisDown: (error) =>
            services.heartbeats.beat('redis_unreachable', host.clock.now(), { error: errorText(error) }),
          deliveries: services.deliveryJob,
        });
        console.log(
          `sla-vigil worker: scans from ${redisLabel(runtime.redisUrl)} (prefix ${bullPrefix(runtime.redisUrl, prefix)})`,
        );
        await new Promise<void>((resolve) => {
          // `on`, not `once`: from a terminal both the launcher and the process get Ctrl-C, and
          // the launcher passes it on; a second signal must not cut the close short.
          process.on('SIGINT', () => resolve());
          process.on('SIGTERM', () => resolve());
        });
        // Finish the job at hand, then close.
        await worker.close();
      });
    });

  program
    .command('serve')
    .description(
      'the SLA Vigil service beside Perfex: migrations, the signed bridge and the module pages for Perfex on HOST:PORT (default 127.0.0.1:3000) and the scan worker, until SIGTERM',
    )
    .action(async () => {
      const runtime = loadConfig();
      // The web stack (express, the pages, the bridge) is serve's alone: not loaded by the others.
      const { startBridgeService } = await import('./host/bridge/bridge-service');
      const service = await startBridgeService(runtime, process.env.HOST || '127.0.0.1');
      console.log(
        `sla-vigil serve: listening on http://${service.host}:${service.port} (bridge at /bridge, pages at /admin/sla_vigil); ` +
          `scans from ${redisLabel(runtime.redisUrl)} (prefix ${service.queuePrefix})`,
      );
      await new Promise<void>((resolve) => {
        process.on('SIGINT', () => resolve());
        process.on('SIGTERM', () => resolve());
      });
      await service.close();
    });

  program
    .command('rollups')
    .description("the dashboard's rollups (kept by every scan and hook once built)")
    .command('rebuild')
    .description(
      "rebuild the dashboard's rollups from the clocks, in the host's time zone, in one transaction",
    )
    .action(async () => {
      await withServices(undefined, async (services, host) => {
        const built = await services.rollups.rebuild(host.timezone, host.clock.now());
        console.log(
          `rollups rebuilt for ${built.zone}: ${built.settledClocks} settled clocks in ${built.days} day rows, ` +
            `${built.openSubjects} open subjects`,
        );
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
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        throw new Error(`${file}: not readable (${(err as Error).message})`, { cause: err });
      }
      let doc: unknown;
      try {
        // A byte order mark (some Windows editors write one) is allowed; a key written twice is not.
        doc = parseStrictJson(text);
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
            `skipped ${result.skippedLevels} escalation levels that had already passed on open tickets and leads`,
          );
        if (impact && impact.levels > 0)
          console.log(
            `the next scan fires ${impact.levels} escalation levels that have already passed on ${impact.tickets} ` +
              `open tickets${impact.leads > 0 ? ` and ${impact.leads} open leads` : ''} ` +
              `(${impact.emails} emails, ${impact.reassignments} reassignments, ` +
              `${impact.priorityRaises} priority raises); --passed-levels skip would have skipped them`,
          );
      });
    });

  return program;
}

/**
 * Opens the host database, builds the services, runs `work`, and always closes the pool. Applies
 * pending migrations first, except for commands that only read (`readOnly`): those refuse instead.
 */
async function withServices(
  now: Date | undefined,
  work: (services: ModuleServices, host: Awaited<ReturnType<typeof openStandaloneHost>>) => Promise<void>,
  options: { readOnly?: boolean } = {},
): Promise<void> {
  const host = await openStandaloneHost(loadConfig(), now);
  let services: ModuleServices | null = null;
  try {
    if (!options.readOnly) await migrateLatest(host.db, host.tablePrefix);
    else if ((await migrationStatus(host.db, host.tablePrefix)).pending.length)
      throw new Error('the database has pending SLA Vigil migrations: run `sla-vigil migrate` first');
    services = createModuleServices(host, {
      hostActions: await hostActionModeOf(host.db, host.tablePrefix),
      mailRoute: await leaveMailToServe(host),
    });
    await work(services, host);
  } finally {
    await services?.mailer.close();
    await host.close();
  }
}

/**
 * Beside Perfex, only `serve` has Perfex's mail settings (pushed, memory only): a `worker` or
 * `scan --once` without SMTP_URL leaves the mail pending for it instead of trying the devhost's
 * mailbox address and spending the attempts. The devhost records no mail route: unchanged there.
 */
async function leaveMailToServe(host: Awaited<ReturnType<typeof openStandaloneHost>>) {
  if (loadConfig().smtpUrl) return undefined;
  const beats = await new HeartbeatRepository(host.db, host.tablePrefix).all();
  return mailRoutedByServe(beats)
    ? new NoMailRoute("sla-vigil serve sends it with Perfex's mail settings (set SMTP_URL to send from here)")
    : undefined;
}

export async function main(argv: string[]): Promise<void> {
  await runCli(buildCli(), argv);
}

/** Runs a command line built on `buildCli` (the devhost's adds its own commands), with readable errors. */
export async function runCli(program: Command, argv: string[]): Promise<void> {
  try {
    await program.parseAsync(argv);
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
