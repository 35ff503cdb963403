import type { HostLead } from '../../host/lead-gateway';
import type { SubjectRow } from '../../store/subject-repository';
import type { TimelineEventInput, TimelineEventType, TimelineSource } from '../../store/timeline-repository';
import { leadEndOf } from './lead-snapshot';

/** The lead fields whose changes become timeline events, and the event each becomes. */
const TRACKED = [
  { field: 'assigned', event: 'assignee_changed' },
  { field: 'source', event: 'source_changed' },
  { field: 'country', event: 'country_changed' },
] as const satisfies readonly { field: keyof HostLead & keyof SubjectRow; event: TimelineEventType }[];

/** One lead event; `extra` fills the optional columns. */
export function leadEvent(
  leadId: number,
  eventType: TimelineEventType,
  occurredAt: Date,
  source: TimelineSource,
  extra: Partial<TimelineEventInput> = {},
): TimelineEventInput {
  return { subjectType: 'lead', subjectId: leadId, eventType, occurredAt, source, ...extra };
}

/**
 * The `created` event of a lead, the same whether the hook reported it or the reconcile found the
 * row: the status it was created in (which starts its first status window; null when unknown,
 * which starts none) and its match fields.
 */
export function leadCreatedEvent(
  lead: HostLead,
  source: TimelineSource,
  status: number | null = lead.status,
): TimelineEventInput {
  return leadEvent(lead.id, 'created', lead.createdAt, source, {
    toValue: JSON.stringify({
      ...(status === null ? {} : { status }),
      assigned: lead.assigned,
      source: lead.source,
      country: lead.country,
    }),
    dedupeKey: 'created',
  });
}

/** When each kind of difference happened, as well as the caller can tell. */
export interface ChangeTimes {
  /** Assignee, source and country changes, and lost / junk. */
  other: Date;
  /** A status change. */
  status: Date;
  /** A conversion (the host's `date_converted`, when it is usable). */
  converted: Date;
}

/**
 * The dedupe keys of a lead's end and reopen, numbered by the reopens recorded before, so a lead
 * lost, reopened and lost again records each once (a repeated hook or a later scan finds it).
 * The first end keeps the key leads had before reopens existed.
 */
export const leadEndKey = (reopens: number): string => (reopens === 0 ? 'ended' : `ended:${reopens}`);
const reopenKey = (reopens: number): string => `reopened:${reopens + 1}`;

/**
 * The events that explain the difference between what the module saw of a lead and the host's
 * row: its owner, source and market, its status, and its end (lost, junk, converted) or reopen
 * (no longer lost or junk: Perfex fires no hook for un-marking). Used by the
 * `after_lead_updated` hook (which says only "something changed") and by the reconcile, with the
 * times each can give, and `reopens`, how many reopens the lead's timeline has. The end comes
 * before a status change at the same time, so a conversion (which also moves the lead to the
 * customer status) ends the stay as a conversion; a reopen comes after it, so the new stay
 * starts in the status the lead has now.
 */
export function leadChanges(
  lead: HostLead,
  seen: SubjectRow,
  source: TimelineSource,
  at: ChangeTimes,
  reopens = 0,
): TimelineEventInput[] {
  const events: TimelineEventInput[] = [];
  for (const { field, event } of TRACKED) {
    const before = seen[field] ?? 0;
    if (before !== lead[field]) {
      events.push(
        leadEvent(lead.id, event, at.other, source, {
          fromValue: String(before),
          toValue: String(lead[field]),
        }),
      );
    }
  }
  const end = leadEndOf(lead);
  if (end && !seen.ended) {
    // One end per lead: a repeated hook or a later scan finds it recorded (dedupe key).
    events.push(
      leadEvent(lead.id, end, end === 'converted' ? at.converted : at.other, source, {
        dedupeKey: leadEndKey(reopens),
      }),
    );
  }
  if (seen.status !== lead.status) {
    events.push(
      leadEvent(lead.id, 'status_changed', at.status, source, {
        fromValue: String(seen.status),
        toValue: String(lead.status),
      }),
    );
  }
  if (!end && seen.ended) {
    events.push(
      leadEvent(lead.id, 'reopened', at.other, source, {
        fromValue: seen.ended,
        dedupeKey: reopenKey(reopens),
      }),
    );
  }
  return events;
}
