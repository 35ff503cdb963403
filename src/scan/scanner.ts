import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Reconciler } from './reconciler';
import type { ClockService } from '../engine/clock-service';
import type { EscalationService } from '../engine/escalation-service';
import type { HeartbeatRepository } from '../store/heartbeat-repository';
import type { HostProblemInput, HostProblemRepository } from '../store/host-problem-repository';
import { errorText } from './scan-health';
import type { LeadReconciler } from './lead-reconciler';
import type { HostActionMode } from '../engine/host-action-runner';
import type { DeliveryResult } from '../notify/deliveries';
import type { SubjectShare } from '../store/clock-repository';

/** More due clocks than this (two advance batches) is a backlog worth sharing between workers. */
export const BACKLOG_CLOCKS = 1000;

/** The lead half of a scan, when the host offers leads: its reconcile, clocks and actions. */
export interface LeadScan {
  reconciler: LeadReconciler;
  clocks: ClockService;
  /** Performs the lead host actions (reassign) decided by earlier transactions. */
  actions?: { performPendingActions(now: Date): Promise<number> };
}

export type { HostActionMode } from '../engine/host-action-runner';

/** What one scan did; logged with its duration and printed by `scan --once`. */
export interface ScanResult {
  ticketsRead: number;
  /** Leads read by the lead reconcile (new rows past its cursor and open leads compared). */
  leadsRead: number;
  /** Of `eventsRecorded` and `changed`: how many were leads'. */
  leadEvents: number;
  leadsChanged: number;
  repliesFound: number;
  eventsRecorded: number;
  changed: number;
  recomputed: number;
  advanced: number;
  /** Escalation levels fired by this scan (each level fires once per ticket, metric and cycle). */
  escalated: number;
  /** Host writes (reassign, raise priority) performed after the scan's transactions (0 when the host pulls them). */
  actions: number;
  /** Emails sent by this scan (`scan --once` delivers what it created). */
  mailed: number;
  /**
   * Host rows skipped by this scan (a ticket or reply the module cannot read, a ticket whose
   * clocks could not be computed or stored): each is logged once, listed on the monitor and
   * retried by the next scan, while every other ticket is scanned as usual.
   */
  failed: number;
  durationMs: number;
  /** Set when the due clocks were a backlog handed to this many advance jobs (ScanWorker) instead. */
  sharedInto?: number;
}

export interface ScanOptions {
  /** Send what the scan wrote to the outbox before returning (`scan --once`); a worker delivers apart. */
  deliver: boolean;
  /**
   * Given (a BullMQ worker), a backlog of due clocks (more than BACKLOG_CLOCKS) is not advanced by
   * this scan but handed to this function, which queues one advance job per share (advanceShare)
   * for every worker process to take from; it returns how many shares it queued.
   */
  shareBacklog?: () => Promise<number>;
}

/**
 * One scan: reconcile the host with what the module saw (recomputing the tickets that
 * changed), recompute tickets computed under an older configuration, then move clocks whose
 * next check has come. Safe to run twice: a second run over unchanged data changes nothing.
 */
export class Scanner {
  constructor(
    private readonly reconciler: Reconciler,
    private readonly clocks: ClockService,
    private readonly logger: Logger,
    private readonly escalator?: EscalationService,
    private readonly deliveries?: { sendDue(now?: Date): Promise<DeliveryResult> },
    private readonly heartbeats?: HeartbeatRepository,
    private readonly problems?: HostProblemRepository,
    /**
     * `host_pulls` when the host applies escalation host actions itself (Perfex's module on its
     * cron, `sla-vigil serve`): the scan then leaves them `action_pending` for it to claim.
     */
    private readonly hostActions: HostActionMode = 'perform',
    private readonly leads?: LeadScan,
    /** The scheduled digests: each tick asks whether a period is due (cheap when none is). */
    private readonly digests?: { runDue(now: Date): Promise<unknown> },
    /** The dashboard's rollups: built on the first scan (and again when the host's zone changed). */
    private readonly rollups?: { ensureBuilt(now: Date): Promise<unknown> },
    /** Resamples the optimizer's statistics after a scan that rewrote many subjects. */
    private readonly statistics?: { refreshAfter(recomputed: number): Promise<unknown> },
  ) {}

  /** Runs one scan; a failure is recorded (`scan_failed`, with its message) and thrown again. */
  async run(now: Date, options: ScanOptions = { deliver: true }): Promise<ScanResult> {
    try {
      return await this.scan(now, options);
    } catch (err) {
      // Best effort: with the database gone this write fails too, and the late scan says enough.
      await this.heartbeats?.beat('scan_failed', now, { error: errorText(err) }).catch(() => undefined);
      throw err;
    }
  }

  /**
   * The rollups exist once built for the host's zone; the writers keep them from then on. A failed
   * build is logged and retried next scan: the pages read the clocks until one succeeds.
   */
  private async buildRollups(now: Date): Promise<void> {
    try {
      await this.rollups?.ensureBuilt(now);
    } catch (err) {
      this.logger.error({ err }, 'sla_vigil: building the dashboard rollups failed');
    }
  }

  private async scan(now: Date, options: ScanOptions): Promise<ScanResult> {
    const started = process.hrtime.bigint();
    await this.heartbeats?.beat('scan_started', now);
    await this.buildRollups(now);
    let recomputed = 0;
    const skipped = new Map<string, HostProblemInput>();
    const skip = (p: HostProblemInput): void => void skipped.set(`${p.kind}:${p.rowId}`, p);
    const recomputeFailed = (failed: { id: number; reason: string }[]): void =>
      failed.forEach(({ id, reason }) => skip({ kind: 'recompute', rowId: id, ticketId: id, reason }));
    const reconciled = await this.reconciler.run(
      now,
      async (ids) => {
        const result = await this.clocks.recomputeIsolated(ids, now);
        recomputed += result.done;
        recomputeFailed(result.failed);
      },
      skip,
    );
    const leadFailed = (failed: { id: number; reason: string }[]): void =>
      failed.forEach(({ id, reason }) => skip({ kind: 'lead_recompute', rowId: id, ticketId: id, reason }));
    const leadScan = this.leads;
    const leads = leadScan
      ? await leadScan.reconciler.run(
          now,
          async (ids) => {
            const result = await leadScan.clocks.recomputeIsolated(ids, now);
            recomputed += result.done;
            leadFailed(result.failed);
          },
          skip,
        )
      : { leadsRead: 0, eventsRecorded: 0, changed: 0 };
    // Tickets whose recompute failed, in this scan or before, get their creation time from the
    // host again first: the stale pass below then retries them (they were left dirty).
    const stuck = new Set([...((await this.problems?.rowIds('recompute')) ?? []), ...failedIds(skipped)]);
    await this.reconciler.repairCreated([...stuck], now);
    const stale = await this.clocks.recomputeStale(now);
    recomputed += stale.done;
    recomputeFailed(stale.failed);
    // A ticket whose first recompute failed may have gone through on the stale pass.
    stale.doneIds.forEach((id) => skipped.delete(`recompute:${id}`));
    if (this.leads) {
      const leadStale = await this.leads.clocks.recomputeStale(now);
      recomputed += leadStale.done;
      leadFailed(leadStale.failed);
      leadStale.doneIds.forEach((id) => skipped.delete(`lead_recompute:${id}`));
    }
    // Only a plan's speed depends on it: a failure is logged and the scan goes on.
    await this.statistics?.refreshAfter(recomputed).catch((err: unknown) => {
      this.logger.warn({ err }, 'sla_vigil: refreshing the table statistics failed');
    });
    // A backlog goes to every worker in shares; the usual few due clocks are advanced right here.
    const sharedInto =
      options.shareBacklog && (await this.dueCount(now)) > BACKLOG_CLOCKS
        ? await options.shareBacklog()
        : undefined;
    const { advanced, escalated, actions } =
      sharedInto === undefined ? await this.advance(now) : { advanced: 0, escalated: 0, actions: 0 };
    // Before the senders, so a digest written now goes out with this scan's deliveries; a worker
    // runs digests in its delivery job instead (ModuleServices.deliveryJob).
    if (options.deliver) await this.digests?.runDue(now);
    // The senders read the clock themselves: their leases must start now, not when the scan
    // began. A worker delivers in its own job instead (`deliver: false`), so a slow SMTP server
    // or webhook never holds up the next scan.
    const delivered = options.deliver && this.deliveries ? await this.deliveries.sendDue() : {};
    const mailed = delivered.email?.sent ?? 0;
    const result: ScanResult = {
      ...reconciled,
      eventsRecorded: reconciled.eventsRecorded + leads.eventsRecorded,
      changed: reconciled.changed + leads.changed,
      leadsRead: leads.leadsRead,
      leadEvents: leads.eventsRecorded,
      leadsChanged: leads.changed,
      recomputed,
      advanced,
      escalated,
      actions,
      mailed,
      failed: skipped.size,
      durationMs: Number((process.hrtime.bigint() - started) / 1_000_000n),
      ...(sharedInto !== undefined && { sharedInto }),
    };
    await this.reportSkipped([...skipped.values()], now);
    await this.heartbeats?.beat('scan_finished', now, { ...result });
    this.logger.info({ scan: result }, 'sla_vigil scan');
    return result;
  }

  /**
   * One share of a backlog a scan handed out: the due ticket and lead clocks of that share of the
   * subjects, then the host actions they decided (claimed one by one, so shares never perform one twice).
   */
  async advanceShare(
    now: Date,
    share: SubjectShare,
  ): Promise<{ advanced: number; escalated: number; actions: number }> {
    return this.advance(now, share);
  }

  private async dueCount(now: Date): Promise<number> {
    const tickets = await this.clocks.dueCount(now, BACKLOG_CLOCKS + 1);
    if (tickets > BACKLOG_CLOCKS || !this.leads) return tickets;
    return tickets + (await this.leads.clocks.dueCount(now, BACKLOG_CLOCKS + 1));
  }

  private async advance(
    now: Date,
    share?: SubjectShare,
  ): Promise<{ advanced: number; escalated: number; actions: number }> {
    let { advanced, escalated } = await this.clocks.advanceDue(now, undefined, share);
    if (this.leads) {
      const leadAdvance = await this.leads.clocks.advanceDue(now, undefined, share);
      advanced += leadAdvance.advanced;
      escalated += leadAdvance.escalated;
    }
    let actions = 0;
    // A host that pulls its actions (Perfex's module) applies tickets' and leads' alike.
    if (this.hostActions === 'perform') {
      actions += (await this.escalator?.performPendingActions(now)) ?? 0;
      actions += (await this.leads?.actions?.performPendingActions(now)) ?? 0;
    }
    return { advanced, escalated, actions };
  }

  /**
   * Logs each skipped row once (when first met, or when its reason changed), keeps the list the
   * monitor shows, and forgets what this finished scan no longer met (the host row was fixed).
   */
  private async reportSkipped(skipped: HostProblemInput[], now: Date): Promise<void> {
    const token = randomUUID();
    const fresh = this.problems ? await this.problems.report(skipped, token, now) : skipped;
    for (const p of fresh) {
      this.logger.error(
        { ticketId: p.ticketId, rowId: p.rowId, kind: p.kind, reason: p.reason },
        `sla_vigil: skipped ${p.kind === 'reply' ? `reply ${p.rowId} of ` : ''}${p.kind.startsWith('lead') ? 'lead' : 'ticket'} ${p.ticketId}: ${p.reason}`,
      );
    }
    await this.problems?.sweep(token);
  }
}

function failedIds(skipped: Map<string, HostProblemInput>): number[] {
  return [...skipped.values()].filter((p) => p.kind === 'recompute').map((p) => p.rowId);
}

export function formatScanResult(r: ScanResult): string {
  return (
    `scan: ${r.ticketsRead} tickets read, ${r.repliesFound} new replies, ${r.eventsRecorded} events recorded, ` +
    `${r.changed} tickets changed, ${r.recomputed} recomputed, ${r.advanced} clocks advanced, ` +
    `${r.escalated} escalations, ${r.actions} actions, ${r.mailed} emails sent, ${r.failed} failed ` +
    // Said only when there are leads, so a helpdesk without them reads the line it always did.
    (r.leadsRead > 0 ? `(${r.leadsRead} leads read, ${r.leadsChanged} changed) ` : '') +
    `in ${r.durationMs} ms`
  );
}
