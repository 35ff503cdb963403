import type { Knex } from 'knex';
import type { ClockState } from '../../sla/clocks/sla-event';
import { windowEnd, type ForecastWindow, type WindowCounts } from '../../sla/forecast/breach-forecast';
import { effectiveStateOf, num, runningClockOf, selectRows, sqlTime } from './sla-sql';
import type { MonitorQuery, SqlPart } from './monitor-query';

/**
 * The clocks that breach within `window` if nothing changes, for clocks aliased `alias` that
 * already run (runningClockOf): neither paused (a paused clock does not run, and its stored due
 * time is provisional) nor breached (already counted as breached), and due after now and at or
 * before the window's end. The monitor's `breach_within` filter and the forecast counts both use
 * it, so the list shows exactly the subjects the counts count.
 */
export function forecastClocksOf(alias: string, window: ForecastWindow, now: Date): SqlPart {
  return {
    sql: `${alias}.state NOT IN ('paused', 'breached') AND ${alias}.due_at > ? AND ${alias}.due_at <= ?`,
    bindings: [sqlTime(now), sqlTime(windowEnd(window, now))],
  };
}

/** What one forecast count asks: which subjects, grouped by which of their columns. */
export interface ForecastQuery {
  subjectType: 'ticket' | 'lead';
  /** "Still watched" for subjects aliased `alias` (as the monitor's). */
  open: (alias: string) => string;
  /** Filters on the subject's own columns, as the monitor's (monitor-query.ts). */
  equals: MonitorQuery['equals'];
  /** Only clocks of this metric (the monitor's metric filter). */
  metric?: string;
  /**
   * Only subjects whose most urgent clock within the window is in this state (the monitor's state
   * filter on its `breach_within` list): at_risk or on_track; any other state matches nothing.
   */
  state?: ClockState;
  /** Subject columns to group by (none: one row of totals). */
  groupBy: readonly string[];
}

/** One group's counts, its group columns as numbers (0 for none). */
export type ForecastCell = WindowCounts & { [column: string]: number };

const WINDOWS = [
  ['1h', 'w1'],
  ['4h', 'w4'],
  ['24h', 'w24'],
] as const;

/**
 * Forecast counts per group in one query: each subject's running clocks due within 24 hours
 * (a range read of the (subject_type, due_at) index), folded per subject into one flag per window
 * (NULL: no clock due in it; 1: its most urgent clock in it is at risk; 0: on track), then
 * counted per group of the subject's columns.
 */
export async function forecastCells(
  db: Knex,
  prefix: string,
  q: ForecastQuery,
  now: Date,
): Promise<ForecastCell[]> {
  const at = sqlTime(now);
  const within = forecastClocksOf('c', '24h', now);
  // Per window: whether its most urgent clock is at risk (the live state, as the monitor reads it).
  const flags = WINDOWS.map(
    ([, name]) => `MAX(CASE WHEN c.due_at <= ? THEN (${effectiveStateOf('c')}) = 'at_risk' END) AS ${name}`,
  ).join(',\n              ');
  const flagBindings = WINDOWS.flatMap(([w]) => [sqlTime(windowEnd(w, now)), at, at]);
  const metric = q.metric ? ' AND c.metric = ?' : '';
  const inner = `SELECT c.subject_id, ${flags}
         FROM ?? c
        WHERE c.subject_type = ? AND ${runningClockOf('c')} AND ${within.sql}${metric}
        GROUP BY c.subject_id`;
  const innerBindings: Knex.Value[] = [
    ...flagBindings,
    `${prefix}sla_vigil_clocks`,
    q.subjectType,
    ...within.bindings,
    ...(q.metric ? [q.metric] : []),
  ];
  const counted = stateCondition(q.state);
  const sums = WINDOWS.map(([w, name]) => `SUM(f.${name} IS NOT NULL${counted(`f.${name}`)}) AS \`${w}\``);
  const where = [q.open('s')];
  const whereBindings: Knex.Value[] = [];
  for (const [column, value] of q.equals) {
    if (value === undefined) continue;
    if (typeof value === 'number') {
      where.push(`s.${column} = ?`);
      whereBindings.push(value);
    } else if (value.length === 0) {
      where.push('1 = 0');
    } else {
      where.push(`s.${column} IN (${value.map(() => '?').join(', ')})`);
      whereBindings.push(...value);
    }
  }
  const groups = q.groupBy.map((c) => `s.${c}`);
  const rows = await selectRows<Record<string, unknown>>(
    db,
    `SELECT ${[...groups.map((g, i) => `${g} AS g${i}`), ...sums].join(', ')}
       FROM (${inner}) f
       JOIN ?? s ON s.subject_type = ? AND s.subject_id = f.subject_id
      WHERE ${where.join(' AND ')}
      ${groups.length ? `GROUP BY ${groups.join(', ')}` : ''}`,
    [...innerBindings, `${prefix}sla_vigil_subjects`, q.subjectType, ...whereBindings],
  );
  return rows
    .map((r) => {
      const cell: ForecastCell = { '1h': num(r['1h']), '4h': num(r['4h']), '24h': num(r['24h']) };
      q.groupBy.forEach((c, i) => (cell[c] = num(r[`g${i}`])));
      return cell;
    })
    .filter((cell) => cell['24h'] > 0 || q.groupBy.length === 0);
}

/** The extra condition a state filter puts on a window's flag. */
function stateCondition(state: ClockState | undefined): (flag: string) => string {
  if (state === undefined) return () => '';
  if (state === 'at_risk') return (flag) => ` AND ${flag} = 1`;
  if (state === 'on_track') return (flag) => ` AND ${flag} = 0`;
  // Clocks that breach within a window run unbroken and are not yet due: never any other state.
  return () => ' AND 1 = 0';
}
