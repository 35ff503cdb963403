import type { TargetConfig } from '../config/sla-config-schema';
import type { SlaEvent, StatusLifecycle } from './sla-event';

/** One stay of a ticket in a status that has a window (`targets.status_time.byStatus`). */
export interface StatusCycle {
  status: number;
  /**
   * The ticket's status visit number: 1 for the status it was created in, +1 on every status
   * change, whether or not the status has a window. Why not count windowed stays only: the
   * numbers then never depend on the policy, so editing the windows keeps an ended cycle's key
   * (subject, metric, cycle) and its escalations' keys, and the unique keys stay valid.
   */
  cycle: number;
  startedAt: Date;
  /** When the ticket left the status (closing it included): met if before due, breached after. */
  leftAt: Date | null;
  /** When a merge ended the stay: it is owed only if its due time had already passed. */
  endedAt: Date | null;
  /** Times the stay was held by a hold status (leads' pause statuses); absent when never held. */
  holds?: { from: Date; to: Date | null; status: number }[];
}

/**
 * Replays a ticket's status changes and returns its stays in statuses that have a window.
 * Entering such a status starts a cycle, leaving it ends it, re-entering starts a new one. A
 * ticket is created in the host's initial status (or the status of its creation snapshot), so a
 * window on that status starts at creation. The closed status never starts a cycle: a closed
 * ticket owes nothing, and closing is how the stay before it ends.
 *
 * Tickets: pause statuses do not pause these clocks: a status window measures exactly the time
 * spent in that status (the window of "On Hold" is about time on hold), so the policy's pause
 * list, which pauses resolution, plays no part here (`holdStatusIds` is empty).
 *
 * Leads: the policy's pause statuses are hold statuses ("waiting on the customer"). Moving from a
 * status with a window into one holds that stay instead of ending it: its clock is paused, its
 * due time moves by the business time held. The next status change out of the hold resumes the
 * same stay when the lead goes back to that status, and otherwise ends it then. A hold status
 * may have a window of its own, which runs as any other. Lost, junk and converted end the stay
 * as leaving it does, and no later stay starts until a `reopened` event (a lost or junk lead
 * un-marked): that starts a new stay, a new cycle number, in the status the lead is in then.
 */
export function statusTimeCycles(
  events: readonly SlaEvent[],
  byStatus: Readonly<Record<string, TargetConfig>>,
  statuses: StatusLifecycle,
  now: Date,
  holdStatusIds: readonly number[] = [],
): StatusCycle[] {
  const cycles: StatusCycle[] = [];
  let open: StatusCycle | null = null;
  // The stay a hold status keeps waiting (see below); at most one at a time.
  let held = null as StatusCycle | null;
  let status = statuses.initialStatus;
  let visit = 0;
  let ended = false;
  const isHold = (s: number): boolean => holdStatusIds.includes(s);
  const enter = (next: number, at: Date): StatusCycle | null => {
    status = next;
    visit++;
    if (ended || next === statuses.closedStatus || byStatus[String(next)] === undefined) return null;
    const cycle: StatusCycle = {
      status: next,
      cycle: visit,
      startedAt: at,
      leftAt: null,
      endedAt: null,
    };
    cycles.push(cycle);
    return cycle;
  };
  const release = (at: Date): void => {
    const hold = held?.holds?.[held.holds.length - 1];
    if (hold && hold.to === null) hold.to = at;
  };
  for (const event of events) {
    if (event.at.getTime() > now.getTime()) break;
    switch (event.type) {
      case 'created':
        if (visit > 0) break;
        open = enter(snapshotStatus(event.to) ?? statuses.initialStatus, event.at);
        break;
      case 'status_changed': {
        if (visit === 0) break;
        const next = Number(event.to);
        if (!Number.isFinite(next) || next === status) break;
        if (ended) {
          // Moved while decided on: no stay starts, but a reopen starts from this status.
          status = next;
          visit++;
          break;
        }
        if (open) open.leftAt = event.at;
        if (held && !isHold(next)) {
          // Out of the hold: back to the held status resumes its stay (same cycle), anywhere else
          // ends it now, judged on its due time moved by the time held.
          release(event.at);
          if (next === held.status) {
            status = next;
            visit++;
            open = held;
            held = null;
            break;
          }
          held.leftAt = event.at;
          held = null;
        } else if (held) {
          // From one hold status to another: the hold goes on, each part named by its status.
          release(event.at);
          (held.holds ??= []).push({ from: event.at, to: null, status: next });
        } else if (open && isHold(next)) {
          // Into a hold status: the stay is not over (the lead waits on the customer), it is held.
          open.leftAt = null;
          (open.holds ??= []).push({ from: event.at, to: null, status: next });
          held = open;
        }
        open = enter(next, event.at);
        break;
      }
      case 'merged':
        // A merge is not a move on: the stay ends unmet, and the merged ticket starts no more.
        if (open) open.endedAt = event.at;
        open = null;
        ended = true;
        break;
      case 'lost':
      case 'junk':
      case 'converted':
        // A lead decided on leaves its stay (met before due, breached after) and starts no more.
        if (open) open.leftAt = event.at;
        if (held) {
          release(event.at);
          held.leftAt = event.at;
        }
        open = null;
        held = null;
        ended = true;
        break;
      case 'reopened':
        // A lost or junk lead un-marked: a new stay in the status it is in, from the moment the
        // reopen was seen, as a reopened ticket starts a new cycle (a merge is never undone).
        if (!ended || visit === 0) break;
        ended = false;
        open = enter(status, event.at);
        break;
      case 'deleted':
        return [];
      default:
        break;
    }
  }
  return cycles;
}

/** The status a `created` event's snapshot records, if any. */
export function snapshotStatus(json: string | null): number | null {
  if (!json) return null;
  try {
    const value = (JSON.parse(json) as { status?: unknown }).status;
    return typeof value === 'number' ? value : null;
  } catch {
    return null;
  }
}
