import type { RollupWriter } from '../store/rollups/rollup-writer';
import type { i18n } from 'i18next';
import type { NoticeChannels } from '../engine/escalation-notice';
import type { ServiceHost } from './module-services';
import type { ConfigService } from '../engine/config-service';
import type { TimelineRepository } from '../store/timeline-repository';
import type { CursorRepository } from '../store/cursor-repository';
import type { AuditLog } from '../store/audit-log';
import type { OutboxRepository } from '../notify/outbox-repository';
import type { HostProblemRepository } from '../store/host-problem-repository';
import type { HostActionMode, LeadScan } from '../scan/scanner';
import { HostActionOutcomes } from '../engine/host-action-outcomes';
import { SubjectRepository } from '../store/subject-repository';
import { ClockRepository } from '../store/clock-repository';
import { EscalationRepository } from '../store/escalation-repository';
import { ClockService } from '../engine/clock-service';
import { LeadEscalationService } from '../engine/lead-escalation-service';
import { LeadEventRecorder } from '../engine/lead-event-recorder';
import { SubjectHookWriter } from '../engine/subject-hook-writer';
import { LeadReconciler } from '../scan/lead-reconciler';
import { SubjectSlaService } from '../store/read/subject-sla-service';
import { leadKind } from '../subjects/lead/lead-kind';
import type { WebhookQueue } from '../notify/webhook/webhook-queue';

/** What the lead services share with the ticket ones (one instance each per module). */
export interface SharedServices {
  config: ConfigService;
  timeline: TimelineRepository;
  cursors: CursorRepository;
  audit: AuditLog;
  outbox: OutboxRepository;
  translator: i18n;
  hostProblems: HostProblemRepository;
  reconcileBatchSize?: number;
  /** Who applies escalation host actions (a lead reassign): the scan, or a host that pulls them. */
  hostActions?: HostActionMode;
  /** Channels a notice goes out on besides email. */
  channels?: NoticeChannels;
  /** Where `webhook` levels queue their posts. */
  webhookQueue?: WebhookQueue;
  /** The dashboard's rollups, kept where lead clocks change. */
  rollups?: RollupWriter;
}

/**
 * Wiring only: the lead kind's repositories and services. The clocks and the SLA read exist on
 * every host (stored lead clocks stay readable); the hooks, reconcile and escalations only where
 * the host offers leads.
 */
export function buildLeadServices(host: ServiceHost, shared: SharedServices) {
  const { db, tablePrefix: prefix } = host;
  const subjects = new SubjectRepository(db, prefix, 'lead');
  const clockRepo = new ClockRepository(db, prefix, 'lead');
  const escalationLog = new EscalationRepository(db, prefix, 'lead');
  const gateway = host.leads;
  const actionOutcomes = new HostActionOutcomes(escalationLog, shared.audit);
  const escalator = gateway
    ? new LeadEscalationService(
        gateway,
        host.tickets,
        host.permissions,
        host.mail,
        escalationLog,
        shared.outbox,
        shared.audit,
        shared.translator,
        host.logger,
        actionOutcomes,
        shared.hostActions,
        host.timezone,
        shared.channels,
        host.emailTemplates,
        shared.webhookQueue,
      )
    : undefined;
  const clocks = new ClockService(
    db,
    shared.config,
    shared.timeline,
    subjects,
    clockRepo,
    host.logger,
    escalationLog,
    escalator,
    leadKind,
    shared.rollups,
  );
  const statusNames = async (): Promise<Map<number, string>> =>
    new Map(((await gateway?.listLeadStatuses()) ?? []).map((s) => [s.id, s.name]));
  const sla = new SubjectSlaService('lead', statusNames, shared.timeline, subjects, clocks, clockRepo);
  const recorder = gateway
    ? new LeadEventRecorder(
        gateway,
        new SubjectHookWriter(db, shared.timeline, subjects, clocks, host.clock),
        shared.timeline,
        host.clock,
        host.logger,
      )
    : undefined;
  const scan: LeadScan | undefined = gateway
    ? {
        reconciler: new LeadReconciler(
          gateway,
          shared.timeline,
          subjects,
          shared.cursors,
          shared.reconcileBatchSize,
          shared.hostProblems,
        ),
        clocks,
        actions: escalator,
      }
    : undefined;
  return { subjects, clockRepo, escalationLog, actionOutcomes, clocks, sla, recorder, scan, escalator };
}
