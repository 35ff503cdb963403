import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type {
  Clock,
  EmailTemplateSource,
  HostNotifications,
  MailSettings,
  OptionStore,
  PermissionRegistry,
  TicketGateway,
} from '../host/host-context';
import type { LeadGateway } from '../host/lead-gateway';
import { TimelineRepository } from '../store/timeline-repository';
import { SubjectRepository } from '../store/subject-repository';
import { ClockRepository } from '../store/clock-repository';
import { CursorRepository } from '../store/cursor-repository';
import { AuditLog } from '../store/audit-log';
import { ConfigService } from '../engine/config-service';
import { ClockService } from '../engine/clock-service';
import { SubjectHookWriter } from '../engine/subject-hook-writer';
import { TicketSlaService } from '../store/read/ticket-sla-service';
import { TicketEventRecorder } from '../engine/ticket-event-recorder';
import { Reconciler } from '../scan/reconciler';
import { Scanner, type HostActionMode } from '../scan/scanner';
import { EscalationRepository } from '../store/escalation-repository';
import { OutboxRepository } from '../notify/outbox-repository';
import { MailSender } from '../notify/mail-sender';
import { BellSender } from '../notify/bell-sender';
import { Deliveries } from '../notify/deliveries';
import type { MailRouteSource } from '../notify/mail-route';
import { EscalationService } from '../engine/escalation-service';
import { createTranslator } from '../i18n/translator';
import { HeartbeatRepository } from '../store/heartbeat-repository';
import { HostProblemRepository } from '../store/host-problem-repository';
import { PassedLevelFinder } from '../engine/passed-level-finder';
import { MonitorService } from '../store/read/monitor-service';
import { RollupDashboardService } from '../store/read/rollup-dashboard-service';
import { ForecastService } from '../store/read/forecast-service';
import { LeadReportService } from '../store/read/lead-report-service';
import { LeadDashboardService } from '../store/read/lead-dashboard-service';
import { LeadMonitorService } from '../store/read/lead-monitor-service';
import { ReportService } from '../store/read/report-service';
import { ReportQueries } from '../store/read/report-queries';
import { AuditQueries } from '../store/read/audit-queries';
import { RuleTester } from '../engine/rule-tester';
import { HostActionOutcomes } from '../engine/host-action-outcomes';
import { HostActionDesk } from '../engine/host-action-desk';
import { buildLeadServices } from './lead-services';
import { ticketKind } from '../subjects/ticket/ticket-kind';
import { RollupWriter } from '../store/rollups/rollup-writer';
import { buildDigestServices } from './digest-services';
import { leadKind } from '../subjects/lead/lead-kind';
import { WebhookRepository } from '../notify/webhook/webhook-repository';
import { WebhookClient } from '../notify/webhook/webhook-client';
import { WebhookService } from '../notify/webhook/webhook-service';
import type { WebhookQueue } from '../notify/webhook/webhook-queue';
import { OutboxWebhooks } from '../notify/webhook/outbox-webhooks';
import { WebhookSender } from '../notify/webhook/webhook-sender';
import { WebhookDeliveryLog } from '../notify/webhook/webhook-delivery-log';
import { TableStatistics } from '../store/table-statistics';

/** What the module's services need from the host: a subset of HostContext (the CLI builds it without express). */
export interface ServiceHost {
  db: Knex;
  /** A replica of `db` for the read models (HostContext.readDb); none: they read `db`. */
  readDb?: Knex;
  tablePrefix: string;
  timezone: string;
  tickets: TicketGateway;
  /** The host's leads, when it offers them: lead hooks, reconcile and escalations then run. */
  leads?: LeadGateway;
  clock: Clock;
  logger: Logger;
  mail: MailSettings;
  /**
   * Which departments a staff member is in: a lead level may notify its owner's departments.
   * Without it such a level is recorded as `no_recipient` (the reason says why).
   */
  permissions?: Pick<PermissionRegistry, 'staffDepartments' | 'can'>;
  /** The host's notification bell: notify levels then also add an entry there per recipient. */
  notifications?: HostNotifications;
  /** Templates the host's admin edits (Perfex: Setup > Email Templates); none: the module's own. */
  emailTemplates?: EmailTemplateSource;
  /** The host's options: the install's default language words webhook chat messages. */
  options?: Pick<OptionStore, 'get'>;
}

export type ModuleServices = ReturnType<typeof createModuleServices>;

export interface ModuleServiceOptions {
  reconcileBatchSize?: number;
  /** `host_pulls` in `sla-vigil serve`: Perfex's module applies escalation host actions on its cron. */
  hostActions?: HostActionMode;
  /** Where mail goes instead of `host.mail.smtpUrl` (Perfex's pushed SMTP settings). */
  mailRoute?: MailRouteSource;
  /** Where `webhook` levels queue their posts; without one they are recorded as failed. */
  webhookQueue?: WebhookQueue;
}

/** Wiring only: every repository and service of the module over one host. */
export function createModuleServices(host: ServiceHost, options: ModuleServiceOptions = {}) {
  const { db, tablePrefix: prefix } = host;
  const timeline = new TimelineRepository(db, prefix);
  const subjects = new SubjectRepository(db, prefix);
  const clockRepo = new ClockRepository(db, prefix);
  const cursors = new CursorRepository(db, prefix);
  const audit = new AuditLog(db, prefix, host.clock);
  const escalationLog = new EscalationRepository(db, prefix);
  const config = new ConfigService(
    db,
    prefix,
    host.clock,
    audit,
    new PassedLevelFinder(
      db,
      prefix,
      timeline,
      [
        { kind: ticketKind, escalations: escalationLog },
        { kind: leadKind, escalations: new EscalationRepository(db, prefix, 'lead') },
      ],
      audit,
    ),
  );
  // Message-IDs in the host's own domain, so two installs never produce the same one.
  const outbox = new OutboxRepository(db, prefix, new URL(host.mail.adminBaseUrl).hostname || undefined);
  const translator = createTranslator();
  const heartbeats = new HeartbeatRepository(db, prefix);
  const actionOutcomes = new HostActionOutcomes(escalationLog, audit);
  const channels = { inApp: host.notifications !== undefined };
  // Webhook levels queue their posts in the outbox's webhook channel (tests may pass their own).
  const outboxWebhooks = new OutboxWebhooks(outbox);
  const webhookQueue = options.webhookQueue ?? outboxWebhooks;
  const escalator = new EscalationService(
    host.tickets,
    host.mail,
    escalationLog,
    outbox,
    audit,
    translator,
    host.logger,
    actionOutcomes,
    host.timezone,
    channels,
    host.emailTemplates,
    webhookQueue,
  );
  const mailer = new MailSender(
    outbox,
    options.mailRoute ?? host.mail.smtpUrl,
    host.mail.from,
    host.clock,
    host.logger,
  );
  // Every channel's sender; a worker runs them in a delivery job of their own.
  const deliveries = new Deliveries({
    email: mailer,
    ...(host.notifications && {
      in_app: new BellSender(db, outbox, host.notifications, host.clock, host.logger),
    }),
  });
  const rollups = new RollupWriter(db, prefix);
  const clocks = new ClockService(
    db,
    config,
    timeline,
    subjects,
    clockRepo,
    host.logger,
    escalationLog,
    escalator,
    ticketKind,
    rollups,
  );
  const writer = new SubjectHookWriter(db, timeline, subjects, clocks, host.clock);
  const recorder = new TicketEventRecorder(timeline, host.tickets, host.clock, host.logger, writer);
  const hostProblems = new HostProblemRepository(db, prefix);
  const leads = buildLeadServices(host, {
    config,
    timeline,
    cursors,
    audit,
    outbox,
    translator,
    hostProblems,
    reconcileBatchSize: options.reconcileBatchSize,
    hostActions: options.hostActions,
    channels,
    webhookQueue,
    rollups,
  });
  // What a host that applies actions itself pulls: tickets' and leads', in turn.
  const hostActions = new HostActionDesk([actionOutcomes, leads.actionOutcomes], host.clock, host.logger);
  const reconciler = new Reconciler(
    host.tickets,
    timeline,
    subjects,
    cursors,
    options.reconcileBatchSize,
    hostProblems,
  );
  const webhooks = new WebhookService(
    new WebhookRepository(db, prefix),
    new WebhookClient(),
    translator,
    host.clock,
    host.mail.adminBaseUrl,
    host.timezone,
    host.options,
  );
  deliveries.set(
    'webhook',
    new WebhookSender(outboxWebhooks, new WebhookDeliveryLog(db, prefix), webhooks, host.clock, host.logger),
  );
  const ticketSla = new TicketSlaService(host.tickets, timeline, subjects, clocks, clockRepo);
  // The read models the pages show, built here once rather than by each page. They read the
  // replica when there is one (a few seconds behind at worst); the rule tester replays the
  // configuration being edited, so it stays on the primary with the writes.
  const readDb = host.readDb ?? db;
  const reads = {
    monitor: new MonitorService(readDb, prefix),
    dashboard: new RollupDashboardService(readDb, prefix),
    forecast: new ForecastService(readDb, prefix),
    leadMonitor: new LeadMonitorService(readDb, prefix),
    leadDashboard: new LeadDashboardService(readDb, prefix, () => leads.clocks.policyBook()),
    leadReports: new LeadReportService(readDb, prefix, () => leads.clocks.policyBook()),
    reports: new ReportService(new ReportQueries(readDb, prefix), () => clocks.policyBook(), host.tickets),
    auditQueries: new AuditQueries(readDb, prefix),
    ruleTester: new RuleTester(db, prefix, host.tickets, config, timeline, clockRepo),
  };
  const digest = buildDigestServices(host, {
    reads,
    translator,
    config: () => clocks.policyBook(),
    outbox,
  });
  const scanner = new Scanner(
    reconciler,
    clocks,
    host.logger,
    escalator,
    deliveries,
    heartbeats,
    hostProblems,
    options.hostActions,
    leads.scan,
    digest.digests,
    { ensureBuilt: (now: Date) => rollups.ensureBuilt(host.timezone, now) },
    new TableStatistics(db, prefix),
  );
  // What a worker's delivery job runs after each scan: the digests a period made due (reports
  // and rendering, kept out of the scan job), then every channel's senders.
  const deliveryJob = {
    async sendDue() {
      await digest.digests?.runDue(host.clock.now());
      return deliveries.sendDue();
    },
  };
  return {
    ...reads,
    ...digest,
    rollups,
    timeline,
    subjects,
    clockRepo,
    cursors,
    audit,
    config,
    clocks,
    recorder,
    reconciler,
    scanner,
    ticketSla,
    escalationLog,
    outbox,
    escalator,
    hostActions,
    mailer,
    deliveries,
    deliveryJob,
    translator,
    heartbeats,
    hostProblems,
    leads,
    webhooks,
  };
}
