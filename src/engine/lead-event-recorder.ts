import type { Logger } from 'pino';
import type { Clock, HostEvents } from '../host/host-context';
import type { HostLead, LeadGateway } from '../host/lead-gateway';
import type { Knex } from 'knex';
import type { SubjectHookWriter, SubjectChange } from './subject-hook-writer';
import type { TimelineEventInput, TimelineRepository } from '../store/timeline-repository';
import type { SubjectRow } from '../store/subject-repository';
import { leadChanges, leadCreatedEvent, leadEndKey, leadEvent } from '../subjects/lead/lead-events';
import { leadEndOf, leadSnapshotOf } from '../subjects/lead/lead-snapshot';

/**
 * Turns the host's lead hooks into timeline events, keeps the lead's snapshot and recomputes its
 * clocks, each hook in one transaction (see SubjectHookWriter). Perfex's lead hooks say little
 * (mostly the lead id), so the recorder reads the host row (before the transaction) and compares
 * it with the snapshot (read under the lead's lock); what no hook reports (conversion, imports,
 * direct writes) the lead reconcile finds the same way.
 */
/** A row the module cannot read (a zero date, say) is left to the scan, which lists it. */
function mustExist(lead: HostLead | null): HostLead {
  if (!lead) throw new Error('lead not found, or unreadable, in host tables');
  return lead;
}

export class LeadEventRecorder {
  constructor(
    private readonly leads: LeadGateway,
    private readonly writer: SubjectHookWriter,
    private readonly timeline: TimelineRepository,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async leadCreated(leadId: number): Promise<void> {
    const lead = await this.mustRead(leadId);
    await this.writer.created(leadSnapshotOf(lead), this.adopted(lead, lead.status));
  }

  async statusChanged(payload: HostEvents['lead_status_changed']): Promise<void> {
    const leadId = payload.lead_id;
    // Read up front, though only a lead the module never saw (or holds ended) needs it: no host
    // read inside the transaction (see SubjectHookWriter).
    const lead = await this.leads.getLead(leadId);
    await this.writer.changed(leadId, (seen, trx) => {
      // Moved while the module holds it lost or junk: it may have been un-marked (no hook says
      // so), which the host row tells; the edit path's comparison records the move and the reopen.
      if (seen?.ended) return this.fromHostRow(mustExist(lead), seen, trx);
      const at = this.occurredNow();
      const moved = (from: number) =>
        from === payload.new_status
          ? []
          : [
              leadEvent(leadId, 'status_changed', at, 'hook', {
                fromValue: String(from),
                toValue: String(payload.new_status),
              }),
            ];
      if (seen) return { events: moved(seen.status), patch: { status: payload.new_status } };
      // A lead the module never saw (created without a hook): it began in the status it just left.
      const unseen = mustExist(lead);
      return {
        events: [...this.adopted(unseen, payload.old_status), ...moved(payload.old_status)],
        snapshot: { ...leadSnapshotOf(unseen), status: payload.new_status },
      };
    });
  }

  /**
   * `after_lead_updated`, and lost / junk (their hooks carry only the id too): whatever differs
   * between the host row and the snapshot happened now, an un-marked lost or junk lead's reopen
   * included.
   */
  async updated(leadId: number): Promise<void> {
    const lead = await this.mustRead(leadId);
    await this.writer.changed(leadId, (seen, trx) => {
      if (!seen) return { events: this.adopted(lead, lead.status), snapshot: leadSnapshotOf(lead) };
      return this.fromHostRow(lead, seen, trx);
    });
  }

  async deleted(leadId: number): Promise<void> {
    const event = leadEvent(leadId, 'deleted', this.occurredNow(), 'hook', { dedupeKey: 'deleted' });
    await this.writer.changed(leadId, () => ({ events: [event], patch: { deleted: true } }));
  }

  /**
   * A lead the module had not seen, created in `status`; one already lost, junk or converted
   * (marked before any scan adopted it) ends now, the hook's moment, before any move at the same
   * time, so its window does not run on (and the scan, which skips ended leads, never repairs it).
   */
  private adopted(lead: HostLead, status: number): TimelineEventInput[] {
    const end = leadEndOf(lead);
    const created = leadCreatedEvent(lead, 'hook', status);
    if (!end) return [created];
    return [created, leadEvent(lead.id, end, this.occurredNow(), 'hook', { dedupeKey: leadEndKey(0) })];
  }

  /**
   * Whatever differs between the host row and the snapshot happened now. Reopens are counted
   * under the lead's lock, so an end or reopen gets the next key (lead-events.ts).
   */
  private async fromHostRow(lead: HostLead, seen: SubjectRow, trx: Knex.Transaction): Promise<SubjectChange> {
    const at = this.occurredNow();
    const reopens = (await this.timeline.countsFor('lead', [lead.id], 'reopened', trx)).get(lead.id) ?? 0;
    return {
      events: leadChanges(lead, seen, 'hook', { other: at, status: at, converted: at }, reopens),
      snapshot: leadSnapshotOf(lead),
    };
  }

  private async mustRead(leadId: number): Promise<HostLead> {
    return mustExist(await this.leads.getLead(leadId));
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
