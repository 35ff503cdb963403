import type { Knex } from 'knex';
import type { TFunction } from 'i18next';
import type { ListKind } from '../store/read/ticket-state-sql';
import { utcFromSql } from '../store/datetime';
import { stateBadge } from './state-badge';
import { timeLeftText } from './ticket-widgets';
import {
  liveState,
  mostUrgent,
  ticketState,
  type RunningClock,
  type StoredSubjectState,
} from '../sla/clocks/live-state';

/**
 * The SLA cell every host list shows (tickets, leads): one query on the module's tables for a page
 * of rows, and the badge of the most urgent running clock, else what the subject stored
 * (ticketState in live-state.ts, which the lists' filter and sort compute in SQL).
 */

interface BadgeRow {
  subject_id: number;
  policy_id: number | null;
  sla_state: string;
  metric: string | null;
  state: string | null;
  due_at: string | null;
  warn_at: string | null;
  status: number | null;
}

/** A running clock of a list row; `status` for a status_time clock (its "Time in <status>"). */
export interface BadgeClock extends RunningClock {
  status: number | null;
}

export interface SubjectClocks {
  subject: StoredSubjectState;
  running: BadgeClock[];
}

/** Subjects of the page's rows with their running clocks (LEFT JOIN: none is a row too). */
export function badgeRows(
  db: Knex,
  prefix: string,
  kind: ListKind,
  ids: readonly number[],
): Promise<BadgeRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db(`${prefix}sla_vigil_subjects as s`)
    .leftJoin(`${prefix}sla_vigil_clocks as c`, (join) => {
      join
        .on('c.subject_type', 's.subject_type')
        .andOn('c.subject_id', 's.subject_id')
        .andOnNull('c.met_at')
        .andOnNull('c.ended_at')
        // The badge is the customer's SLA: a team's internal clock never sets it.
        .andOnVal('c.scope', '=', 'customer');
    })
    .where('s.subject_type', kind)
    .whereIn('s.subject_id', ids)
    .select(
      's.subject_id',
      's.policy_id',
      's.sla_state',
      'c.metric',
      'c.state',
      'c.due_at',
      'c.warn_at',
      'c.status',
    );
}

export function groupBadgeRows(rows: readonly BadgeRow[]): Map<number, SubjectClocks> {
  const bySubject = new Map<number, SubjectClocks>();
  for (const r of rows) {
    const entry = bySubject.get(r.subject_id) ?? {
      subject: { policyId: r.policy_id, slaState: r.sla_state },
      running: [],
    };
    if (r.metric && r.state && r.due_at && r.warn_at) {
      entry.running.push({
        metric: r.metric,
        state: r.state,
        dueAt: utcFromSql(r.due_at),
        warnAt: utcFromSql(r.warn_at),
        status: r.status === null ? null : Number(r.status),
      });
    }
    bySubject.set(r.subject_id, entry);
  }
  return bySubject;
}

/**
 * The badge: the most urgent running clock's live state with its time left or overdue, titled by
 * the clock's name (`label`) and due time; else the subject's stored state.
 */
export function badgeFor(
  clocks: SubjectClocks,
  t: TFunction,
  now: Date,
  fmt: (d: Date) => string,
  label: (clock: BadgeClock) => string,
): string {
  const clock = mostUrgent(clocks.running, now);
  if (!clock) {
    const state = ticketState([], clocks.subject, now);
    return stateBadge(state, t(`states.${state}`));
  }
  const state = liveState(clock, now);
  const title =
    state === 'paused'
      ? `${label(clock)}: ${t('states.paused')}`
      : `${label(clock)}: ${t('column.due_at', { when: fmt(clock.dueAt) })}`;
  return stateBadge(state, timeLeftText(t, state, clock.dueAt, now), title);
}
