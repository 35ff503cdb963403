import type { Logger } from 'pino';
import type { Reconciler } from './reconciler';
import type { ClockService } from '../services/clock-service';
import type { EscalationService } from '../services/escalation-service';
import type { HeartbeatRepository } from '../store/heartbeat-repository';
import { errorText } from './scan-health';

/** What one scan did; logged with its duration and printed by `scan --once`. */
export interface ScanResult {
  ticketsRead: number;
  repliesFound: number;
  eventsRecorded: number;
  changed: number;
  recomputed: number;
  advanced: number;
  /** Escalation levels fired by this scan (each level fires once per ticket, metric and cycle). */
  escalated: number;
  /** Host writes (reassign, raise priority) performed after the scan's transactions. */
  actions: number;
  /** Emails sent by this scan (`scan --once` delivers what it created). */
  mailed: number;
  /** Tickets whose recompute failed: logged, left dirty, retried by the next scan. */
  failed: number;
  durationMs: number;
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
    private readonly mailer?: { sendDue(now?: Date): Promise<{ sent: number }> },
    private readonly heartbeats?: HeartbeatRepository,
  ) {}

  /** Runs one scan; a failure is recorded (`scan_failed`, with its message) and thrown again. */
  async run(now: Date): Promise<ScanResult> {
    try {
      return await this.scan(now);
    } catch (err) {
      // Best effort: with the database gone this write fails too, and the late scan says enough.
      await this.heartbeats?.beat('scan_failed', now, { error: errorText(err) }).catch(() => undefined);
      throw err;
    }
  }

  private async scan(now: Date): Promise<ScanResult> {
    const started = process.hrtime.bigint();
    await this.heartbeats?.beat('scan_started', now);
    let recomputed = 0;
    const failed = new Set<number>();
    const reconciled = await this.reconciler.run(now, async (ids) => {
      const result = await this.clocks.recomputeIsolated(ids, now);
      recomputed += result.done;
      result.failed.forEach((id) => failed.add(id));
    });
    const stale = await this.clocks.recomputeStale(now);
    recomputed += stale.done;
    stale.failed.forEach((id) => failed.add(id));
    const { advanced, escalated } = await this.clocks.advanceDue(now);
    const actions = this.escalator ? await this.escalator.performPendingActions(now) : 0;
    // The sender reads the clock itself: its send leases must start now, not when the scan began.
    const mailed = this.mailer ? (await this.mailer.sendDue()).sent : 0;
    const result: ScanResult = {
      ...reconciled,
      recomputed,
      advanced,
      escalated,
      actions,
      mailed,
      failed: failed.size,
      durationMs: Number((process.hrtime.bigint() - started) / 1_000_000n),
    };
    await this.heartbeats?.beat('scan_finished', now, { ...result });
    this.logger.info({ scan: result }, 'sla_vigil scan');
    return result;
  }
}

export function formatScanResult(r: ScanResult): string {
  return (
    `scan: ${r.ticketsRead} tickets read, ${r.repliesFound} new replies, ${r.eventsRecorded} events recorded, ` +
    `${r.changed} tickets changed, ${r.recomputed} recomputed, ${r.advanced} clocks advanced, ` +
    `${r.escalated} escalations, ${r.actions} actions, ${r.mailed} emails sent, ${r.failed} failed ` +
    `in ${r.durationMs} ms`
  );
}
