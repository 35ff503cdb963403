import type { Logger } from 'pino';
import type { Clock, HostEvents } from '../host/host-context';
import type { HostLead, LeadGateway } from '../host/lead-gateway';
import type { TimelineRepository } from '../store/timeline-repository';
import type { SubjectRepository, SubjectRow } from '../store/subject-repository';
import type { ClockService } from './clock-service';
import { leadChanges, leadCreatedEvent, leadEvent } from '../subjects/lead/lead-events';
import { leadSnapshotOf } from '../subjects/lead/lead-snapshot';

/**
 * Turns the host's lead hooks into timeline events, keeps the lead's snapshot and recomputes its
 * clocks. Perfex's lead hooks say little (mostly the lead id), so the recorder reads the host row
 * and compares it with the snapshot; what no hook reports (conversion, imports, direct writes)
 * the lead reconcile finds the same way.
 */
export class LeadEventRecorder {
  constructor(
    private readonly timeline: TimelineRepository,
    private readonly leads: LeadGateway,
    private readonly subjects: SubjectRepository,
    private readonly clocks: ClockService,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async leadCreated(leadId: number): Promise<void> {
    const lead = await this.mustRead(leadId);
    await this.adopt(lead, lead.status);
  }

  async statusChanged(payload: HostEvents['lead_status_changed']): Promise<void> {
    const leadId = payload.lead_id;
    let seen = await this.seen(leadId);
    // Moved while the module holds it lost or junk: it may have been un-marked (no hook says so),
    // which the host row tells; the edit path records the move and the reopen from it.
    if (seen?.ended) return this.updated(leadId);
    // A lead the module never saw (created without a hook): it began in the status it just left.
    if (!seen) seen = await this.adopt(await this.mustRead(leadId), payload.old_status, false);
    if (seen.status !== payload.new_status) {
      const at = this.occurredNow();
      await this.timeline.record(
        leadEvent(leadId, 'status_changed', at, 'hook', {
          fromValue: String(seen.status),
          toValue: String(payload.new_status),
        }),
        this.clock.now(),
      );
    }
    await this.subjects.patch(leadId, { status: payload.new_status }, this.clock.now());
    await this.clocks.recompute([leadId], this.clock.now());
  }

  /**
   * `after_lead_updated`, and lost / junk (their hooks carry only the id too): whatever differs
   * between the host row and the snapshot happened now, an un-marked lost or junk lead's reopen
   * included.
   */
  async updated(leadId: number): Promise<void> {
    const lead = await this.mustRead(leadId);
    const seen = await this.seen(leadId);
    if (!seen) {
      await this.adopt(lead, lead.status);
      return;
    }
    const at = this.occurredNow();
    const reopens = (await this.timeline.countsFor('lead', [leadId], 'reopened')).get(leadId) ?? 0;
    const events = leadChanges(lead, seen, 'hook', { other: at, status: at, converted: at }, reopens);
    const now = this.clock.now();
    await this.timeline.recordMany(events, now);
    await this.subjects.upsert([leadSnapshotOf(lead)], now);
    await this.clocks.recompute([leadId], now);
  }

  async deleted(leadId: number): Promise<void> {
    const now = this.clock.now();
    await this.timeline.record(
      leadEvent(leadId, 'deleted', this.occurredNow(), 'hook', { dedupeKey: 'deleted' }),
      now,
    );
    await this.subjects.patch(leadId, { deleted: true }, now);
    await this.clocks.recompute([leadId], now);
  }

  /** Records a lead the module had not seen, created in `status`, and computes its clocks. */
  private async adopt(lead: HostLead, status: number, recompute = true): Promise<SubjectRow> {
    const now = this.clock.now();
    await this.timeline.record(leadCreatedEvent(lead, 'hook', status), now);
    const snapshot = { ...leadSnapshotOf(lead), status };
    await this.subjects.upsert([snapshot], now);
    if (recompute) await this.clocks.recompute([lead.id], now);
    return (await this.seen(lead.id)) as SubjectRow;
  }

  private async seen(leadId: number): Promise<SubjectRow | undefined> {
    return (await this.subjects.getMany([leadId])).get(leadId);
  }

  private async mustRead(leadId: number): Promise<HostLead> {
    const lead = await this.leads.getLead(leadId);
    // A row the module cannot read (a zero date, say) is left to the scan, which lists it.
    if (!lead) throw new Error('lead not found, or unreadable, in host tables');
    return lead;
  }

  /** Whole seconds, as host datetimes have: events within one second keep their recorded order. */
  private occurredNow(): Date {
    return new Date(Math.floor(this.clock.now().getTime() / 1000) * 1000);
  }

  /** Hooks call this so a failing handler never throws into the host; the reconcile repairs the gap. */
  async guarded(event: string, leadId: number, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.logger.error({ err, event, leadId }, `sla_vigil: ${event} handler failed for lead ${leadId}`);
    }
  }
}
