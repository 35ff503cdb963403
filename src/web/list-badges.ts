import type { Knex } from 'knex';
import type { ListKind } from '../store/read/ticket-state-sql';
import type { ClockState } from '../sla/clocks/sla-event';
import { utcFromSql } from '../store/datetime';
import type { Phrases } from '../i18n/phrase-cache';
import { formatDuration, type DurationUnits } from '../i18n/format-duration';
import { stateBadge } from './state-badge';
import { minutesFromDue } from './ticket-widgets';
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
 *
 * A page of badges should cost about what reading its subject rows costs (issue 14): the words come
 * from the process's phrase cache (phrase-cache.ts) and the due times from a compiled date format
 * (compiled-date-format.ts), each giving exactly what i18next and luxon give
 * (test/integration/list-badges-output.test.ts compares the cells with the first renderer's).
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
    .leftJoin(clocksByCycle(db, prefix), (join) => {
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

/**
 * The clocks table read through its (subject_type, subject_id, scope, ...) key. Left to itself,
 * MariaDB may join through (subject_type, due_at) instead when its statistics are stale (as right
 * after a first scan wrote the table), reading every clock of the kind once per row of the page:
 * seconds instead of a millisecond.
 */
function clocksByCycle(db: Knex, prefix: string): Knex.Raw {
  return db.raw('?? AS c FORCE INDEX (??)', [
    `${prefix}sla_vigil_clocks`,
    `${prefix}slav_clocks_scope_cycle`,
  ]);
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

/** What a badge says, in the viewer's language (the words of timeLeftText in ticket-widgets.ts). */
export interface BadgeWords {
  state(state: ClockState): string;
  /** "Due {{when}}" around a worded date. */
  dueAt(when: string): string;
  paused: string;
  left(duration: string): string;
  overdue(duration: string): string;
  units: DurationUnits;
}

export function badgeWords(phrases: Phrases): BadgeWords {
  return {
    state: (state) => phrases.text(`states.${state}`),
    dueAt: phrases.filler('column.due_at', 'when'),
    paused: phrases.text('column.paused'),
    left: phrases.filler('column.left', 'duration'),
    overdue: phrases.filler('column.overdue', 'duration'),
    units: {
      days: (count) => phrases.counted('column.units.days', count),
      hours: (count) => phrases.counted('column.units.hours', count),
      minutes: (count) => phrases.counted('column.units.minutes', count),
    },
  };
}

/** "2h 10m left", "35m overdue" or "paused": timeLeftText's text from the cached words. */
function timeLeft(words: BadgeWords, state: ClockState, dueAt: Date, now: Date): string {
  if (state === 'paused') return words.paused;
  const { overdue, minutes } = minutesFromDue(dueAt, now);
  const duration = formatDuration(minutes, words.units);
  return overdue ? words.overdue(duration) : words.left(duration);
}

/**
 * The badge: the most urgent running clock's live state with its time left or overdue, titled by
 * the clock's name (`label`) and due time; else the subject's stored state.
 */
export function badgeFor(
  clocks: SubjectClocks,
  words: BadgeWords,
  now: Date,
  fmt: (d: Date) => string,
  label: (clock: BadgeClock) => string,
): string {
  const clock = mostUrgent(clocks.running, now);
  if (!clock) {
    const state = ticketState([], clocks.subject, now);
    return stateBadge(state, words.state(state));
  }
  const state = liveState(clock, now);
  const title =
    state === 'paused'
      ? `${label(clock)}: ${words.state('paused')}`
      : `${label(clock)}: ${words.dueAt(fmt(clock.dueAt))}`;
  return stateBadge(state, timeLeft(words, state, clock.dueAt, now), title);
}
