import type { Logger } from 'pino';
import type { Clock, HostEvents } from '../host/host-context';
import type { HostLead, LeadGateway } from '../host/lead-gateway';
import type { SubjectHookWriter } from './subject-hook-writer';
import { leadChanges, leadCreatedEvent, leadEvent } from '../subjects/lead/lead-events';
import { leadSnapshotOf } from '../subjects/lead/lead-snapshot';

/**
 * Turns the host's lead hooks into timeline events, keeps the lead's snapshot and recomputes its
 * clocks, each hook in one transaction (see SubjectHookWriter). Perfex's lead hooks say little
 * (mostly the lead id), so the recorder reads the host row (before the transaction) and compares
 * it with the snapshot (read under the lead's lock); what no hook reports (conversion, imports,
 * direct writes) the lead reconcile finds the same way.
 */
export class LeadEventRecorder {
  constructor(
    private readonly leads: LeadGateway,
    private readonly writer: SubjectHookWriter,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async leadCreated(leadId: number): Promise<void> {
    const lead = await this.mustRead(leadId);
    await this.writer.created(leadSnapshotOf(lead), [leadCreatedEvent(lead, 'hook', lead.status)]);
  }

  async statusChanged(payload: HostEvents['lead_status_changed']): Promise<void> {
    const leadId = payload.lead_id;
    // Read up front, though only a lead the module never saw needs it: no host read inside the
    // transaction (see SubjectHookWriter).
    const lead = await this.leads.getLead(leadId);
    await this.writer.changed(leadId, (seen) => {
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
      if (!lead) throw new Error('lead not found, or unreadable, in host tables');
      return {
        events: [leadCreatedEvent(lead, 'hook', payload.old_status), ...moved(payload.old_status)],
        snapshot: { ...leadSnapshotOf(lead), status: payload.new_status },
      };
    });
  }

  /**
   * `after_lead_updated`, and lost / junk (their hooks carry only the id too): whatever differs
   * between the host row and the snapshot happened now.
   */
  async updated(leadId: number): Promise<void> {
    const lead = await this.mustRead(leadId);
    await this.writer.changed(leadId, (seen) => {
      if (!seen)
        return { events: [leadCreatedEvent(lead, 'hook', lead.status)], snapshot: leadSnapshotOf(lead) };
      const at = this.occurredNow();
      const events = leadChanges(lead, seen, 'hook', { other: at, status: at, converted: at });
      return { events, snapshot: leadSnapshotOf(lead) };
    });
  }

  async deleted(leadId: number): Promise<void> {
    const event = leadEvent(leadId, 'deleted', this.occurredNow(), 'hook', { dedupeKey: 'deleted' });
    await this.writer.changed(leadId, () => ({ events: [event], patch: { deleted: true } }));
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
