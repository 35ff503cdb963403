import type { HostBatch, UnreadableRow } from '../host/host-context';
import type { HostLead, LeadGateway } from '../host/lead-gateway';
import type { TimelineEventInput, TimelineRepository } from '../store/timeline-repository';
import type { SubjectRepository, SubjectRow, SubjectSnapshot } from '../store/subject-repository';
import type { CursorRepository } from '../store/cursor-repository';
import type { HostProblemRepository } from '../store/host-problem-repository';
import { leadChanges, leadCreatedEvent, leadEvent } from '../subjects/lead/lead-events';
import { leadEndOf, leadSnapshotOf } from '../subjects/lead/lead-snapshot';
import type { ProblemSink } from './reconciler';

export interface LeadReconcileResult {
  leadsRead: number;
  eventsRecorded: number;
  changed: number;
}

/** The cursor over `tblleads.id` for leads the module has not seen yet. */
const CURSOR = 'lead_id';

/**
 * How many ids below the cursor each scan reads again: a lead whose insert committed after one
 * with a higher id (concurrent transactions) would otherwise be passed over for good.
 */
const REREAD_WINDOW = 200;

/** The ends a lead comes back from: Perfex un-marks lost and junk; a conversion is not undone. */
const REOPENABLE = ['lost', 'junk'] as const;

const later = (a: Date, b: Date | undefined): Date => (b && b.getTime() > a.getTime() ? b : a);

/** A host time that is usable for an event found now: after the last recorded one, not after now. */
function usable(at: Date | null, lastEventAt: Date | undefined, now: Date): Date | null {
  if (!at || at.getTime() > now.getTime()) return null;
  return lastEventAt && at.getTime() <= lastEventAt.getTime() ? null : at;
}

function differs(lead: HostLead, seen: SubjectRow): boolean {
  return (
    seen.status !== lead.status ||
    seen.assigned !== lead.assigned ||
    (seen.country ?? 0) !== lead.country ||
    (seen.source ?? 0) !== lead.source ||
    (leadEndOf(lead) !== null && !seen.ended) ||
    (leadEndOf(lead) === null && !!seen.ended)
  );
}

/**
 * Finds what the lead hooks missed: leads inserted without a hook (imports, web forms, direct
 * writes) through a cursor on the lead id, and changes without a hook (conversion, the kanban
 * board, bulk writes, deletions) by comparing each open lead's snapshot with the host row. A
 * lead that is converted or deleted is no longer compared: its clocks have ended. A lost or junk
 * lead is only asked whether the host has un-marked it (which reopens its clocks).
 * A row that cannot be read is skipped, listed as a host problem and read again next scan.
 */
export class LeadReconciler {
  constructor(
    private readonly leads: LeadGateway,
    private readonly timeline: TimelineRepository,
    private readonly subjects: SubjectRepository,
    private readonly cursors: CursorRepository,
    private readonly batchSize = 1000,
    private readonly problems?: HostProblemRepository,
  ) {}

  async run(
    now: Date,
    onChanged: (ids: number[]) => Promise<void>,
    onProblem: ProblemSink = () => undefined,
  ): Promise<LeadReconcileResult> {
    const result: LeadReconcileResult = { leadsRead: 0, eventsRecorded: 0, changed: 0 };
    const skip = (row: UnreadableRow): void =>
      onProblem({ kind: 'lead', rowId: row.id, ticketId: row.subjectId, reason: row.reason });
    const tally = async (events: TimelineEventInput[], snapshots: SubjectSnapshot[]): Promise<void> => {
      await this.timeline.recordMany(events, now);
      await this.subjects.upsert(snapshots, now);
      if (snapshots.length) await onChanged(snapshots.map((s) => s.subjectId));
      result.eventsRecorded += events.length;
      result.changed += snapshots.length;
    };
    // Rows an earlier scan could not read, one by one (a short list): they are past the cursor.
    for (const id of (await this.problems?.rowIds('lead')) ?? []) {
      const read = await this.leads.listLeadsAfter(id - 1, 1);
      const batch: HostBatch<HostLead> = {
        rows: read.rows.filter((r) => r.id === id),
        unreadable: read.unreadable.filter((r) => r.id === id),
      };
      batch.unreadable.forEach(skip);
      await tally(...(await this.adoptNew(batch.rows, now)));
    }
    const saved = await this.cursors.get(CURSOR);
    let cursor = Math.max(0, saved - REREAD_WINDOW);
    for (;;) {
      const read = await this.leads.listLeadsAfter(cursor, this.batchSize);
      const size = read.rows.length + read.unreadable.length;
      if (size === 0) break;
      read.unreadable.forEach(skip);
      await tally(...(await this.adoptNew(read.rows, now)));
      result.leadsRead += size;
      cursor = Math.max(cursor, ...read.rows.map((r) => r.id), ...read.unreadable.map((r) => r.id));
      if (cursor > saved) await this.cursors.set(CURSOR, cursor);
      if (size < this.batchSize) break;
    }
    let afterId = 0;
    for (;;) {
      const ids = await this.subjects.openIds(afterId, this.batchSize);
      if (ids.length === 0) break;
      const { events, snapshots, read } = await this.compareOpen(ids, now, skip);
      await tally(events, snapshots);
      result.leadsRead += read;
      afterId = ids[ids.length - 1];
    }
    // Lost and junk leads un-marked since (Perfex fires no hook for it): one narrow host query per
    // batch finds them; only those are read and compared (their reopen, and what else changed).
    afterId = 0;
    for (;;) {
      const ids = await this.subjects.endedIds(afterId, this.batchSize, REOPENABLE);
      if (ids.length === 0) break;
      const reopened = [...(await this.leads.openLeadIds(ids))];
      if (reopened.length) {
        const { events, snapshots, read } = await this.compareOpen(reopened, now, skip);
        await tally(events, snapshots);
        result.leadsRead += read;
      }
      afterId = ids[ids.length - 1];
    }
    return result;
  }

  /** The `created` events and snapshots of leads the module has not seen yet. */
  private async adoptNew(rows: HostLead[], now: Date): Promise<[TimelineEventInput[], SubjectSnapshot[]]> {
    const known = await this.subjects.getMany(rows.map((r) => r.id));
    const fresh = rows.filter((r) => !known.has(r.id));
    const events: TimelineEventInput[] = [];
    for (const lead of fresh) {
      // Found with no history (the host keeps no status log): created in the status it has now,
      // unless the host says that status came later; then its stay begins then, and the status
      // it was created in is unknown (no window for it).
      const movedAt = usable(lead.statusChangedAt, lead.createdAt, now);
      events.push(leadCreatedEvent(lead, 'reconcile', movedAt ? null : lead.status));
      if (movedAt) {
        events.push(
          leadEvent(lead.id, 'status_changed', movedAt, 'reconcile', { toValue: String(lead.status) }),
        );
      }
      const end = leadEndOf(lead);
      // Already decided when found (an import of lost leads): it ends when it began, owing nothing.
      if (end) {
        const at =
          end === 'converted' ? later(lead.createdAt, lead.convertedAt ?? undefined) : lead.createdAt;
        events.push(leadEvent(lead.id, end, at, 'reconcile', { dedupeKey: 'ended' }));
      }
    }
    return [events, fresh.map(leadSnapshotOf)];
  }

  /** Compares open leads with the host: changes become events, vanished leads deletions. */
  private async compareOpen(
    ids: number[],
    now: Date,
    skip: (row: UnreadableRow) => void,
  ): Promise<{ events: TimelineEventInput[]; snapshots: SubjectSnapshot[]; read: number }> {
    const [known, hostLeads] = await Promise.all([this.subjects.getMany(ids), this.leads.getLeads(ids)]);
    const byId = new Map(hostLeads.map((l) => [l.id, l]));
    const changed = hostLeads.filter((l) => {
      const seen = known.get(l.id);
      return seen !== undefined && differs(l, seen);
    });
    const changedIds = changed.map((l) => l.id);
    const [lastEvents, reopens] = await Promise.all([
      this.timeline.lastEventTimes('lead', changedIds),
      this.timeline.countsFor('lead', changedIds, 'reopened'),
    ]);
    const events: TimelineEventInput[] = [];
    const snapshots: SubjectSnapshot[] = [];
    for (const lead of changed) {
      const seen = known.get(lead.id) as SubjectRow;
      const last = lastEvents.get(lead.id);
      // The host's own times when they are usable, else the scan's; never before the last event.
      const scanTime = later(now, last);
      events.push(
        ...leadChanges(
          lead,
          seen,
          'reconcile',
          {
            other: scanTime,
            status: usable(lead.statusChangedAt, last, now) ?? scanTime,
            converted: usable(lead.convertedAt, last, now) ?? scanTime,
          },
          reopens.get(lead.id) ?? 0,
        ),
      );
      snapshots.push(leadSnapshotOf(lead));
    }
    const missing = ids.filter((id) => !byId.has(id));
    if (missing.length) {
      const present = await this.leads.existingLeadIds(missing);
      for (const id of missing) {
        if (present.has(id)) {
          // Still there but unreadable: listed, never taken for a deletion.
          const read = await this.leads.listLeadsAfter(id - 1, 1);
          const row = read.unreadable.find((r) => r.id === id);
          skip(row ?? { id, subjectId: id, reason: 'lead row could not be read' });
          continue;
        }
        const seen = known.get(id);
        if (!seen) continue;
        events.push(leadEvent(id, 'deleted', now, 'reconcile', { dedupeKey: 'deleted' }));
        snapshots.push({ ...seen, deleted: true });
      }
    }
    return { events, snapshots, read: ids.length };
  }
}
