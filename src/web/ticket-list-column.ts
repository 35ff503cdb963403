import { manifest } from '../manifest';
import type { i18n, TFunction } from 'i18next';
import type { Knex } from 'knex';
import type { HostContext, TicketListColumn, TicketListQueryExtension } from '../host/host-context';
import type { ClockState } from '../sla/clocks/sla-event';
import { utcFromSql } from '../store/datetime';
import { translatorFor } from './i18n';
import { stateBadge } from './state-badge';
import { timeFormatter } from './view-helpers';
import {
  canView,
  mostUrgent,
  runningState,
  staffLanguage,
  timeLeftText,
  type RunningClock,
} from './ticket-widgets';

/** Filter choices, in the order a manager reads them. */
const FILTER_STATES: readonly ClockState[] = [
  'breached',
  'at_risk',
  'on_track',
  'paused',
  'met',
  'no_policy',
];

interface BadgeRow {
  subject_id: number;
  sla_state: string;
  metric: string | null;
  state: string | null;
  due_at: string | null;
  warn_at: string | null;
}

/**
 * The SLA cell of the host's ticket list: the most urgent running clock with its time left or
 * overdue ("2h 10m left"), else the ticket's summary state (met, no policy). One query on the
 * module's tables for the whole page of rows, plus the host's own permission and language
 * lookups (one each, whatever the page size).
 */
export function createTicketListColumn(host: HostContext, translator: i18n): TicketListColumn {
  return {
    key: 'sla_vigil',
    title: 'SLA',
    permission: { feature: manifest.permissions.feature, capability: 'view' },
    render: async (ticketIds, staffId) => {
      // Staff without SLA Vigil access see empty cells, like the rest of the module.
      if (!(await canView(host, staffId))) return new Map();
      const [rows, lang] = await Promise.all([
        badgeRows(host.db, host.tablePrefix, ticketIds),
        staffLanguage(host, staffId),
      ]);
      const t = translatorFor(translator, lang);
      const now = host.clock.now();
      const fmt = timeFormatter(host.timezone);
      const byTicket = groupRows(rows);
      return new Map(
        ticketIds.map((id) => {
          const ticket = byTicket.get(id);
          if (!ticket) return [id, stateBadge('no_policy', '—', t('column.not_seen'))];
          return [id, badgeFor(ticket, t, now, fmt)];
        }),
      );
    },
    listQuery: createListQuery(host.tablePrefix, translator),
  };
}

/** Subjects of the page's tickets with their running clocks (LEFT JOIN: none is a row too). */
function badgeRows(db: Knex, prefix: string, ticketIds: readonly number[]): Promise<BadgeRow[]> {
  if (ticketIds.length === 0) return Promise.resolve([]);
  return db(`${prefix}sla_vigil_subjects as s`)
    .leftJoin(`${prefix}sla_vigil_clocks as c`, (join) => {
      join
        .on('c.subject_type', 's.subject_type')
        .andOn('c.subject_id', 's.subject_id')
        .andOnNull('c.met_at')
        .andOnNull('c.ended_at');
    })
    .where('s.subject_type', 'ticket')
    .whereIn('s.subject_id', ticketIds)
    .select('s.subject_id', 's.sla_state', 'c.metric', 'c.state', 'c.due_at', 'c.warn_at');
}

interface TicketClocks {
  slaState: ClockState;
  running: RunningClock[];
}

function groupRows(rows: readonly BadgeRow[]): Map<number, TicketClocks> {
  const byTicket = new Map<number, TicketClocks>();
  for (const r of rows) {
    const entry = byTicket.get(r.subject_id) ?? { slaState: r.sla_state as ClockState, running: [] };
    if (r.metric && r.state && r.due_at && r.warn_at) {
      entry.running.push({
        metric: r.metric,
        state: r.state,
        dueAt: utcFromSql(r.due_at),
        warnAt: utcFromSql(r.warn_at),
      });
    }
    byTicket.set(r.subject_id, entry);
  }
  return byTicket;
}

function badgeFor(ticket: TicketClocks, t: TFunction, now: Date, fmt: (d: Date) => string): string {
  const clock = mostUrgent(ticket.running, now);
  if (!clock) return stateBadge(ticket.slaState, t(`states.${ticket.slaState}`));
  const state = runningState(clock, now);
  const title =
    state === 'paused'
      ? `${t(`metrics.${clock.metric}`)}: ${t('states.paused')}`
      : `${t(`metrics.${clock.metric}`)}: ${t('column.due_at', { when: fmt(clock.dueAt) })}`;
  return stateBadge(state, timeLeftText(t, state, clock.dueAt, now), title);
}

/**
 * Filter and sort the host's list by SLA state. Sorting goes breached, at risk, on track,
 * paused, then met and no policy, and within a state by the earliest running due time; both
 * use the summary state the scan keeps on the subject row.
 */
function createListQuery(prefix: string, translator: i18n): TicketListQueryExtension {
  const subjects = `${prefix}sla_vigil_subjects`;
  const clocks = `${prefix}sla_vigil_clocks`;
  return {
    param: 'sla',
    filterOptions: (lang) => {
      const t = translatorFor(translator, lang);
      return FILTER_STATES.map((value) => ({ value, label: t(`states.${value}`) }));
    },
    apply: (qb, ticketIdColumn, { filter, sort }) => {
      if (filter !== undefined) {
        if (!FILTER_STATES.includes(filter as ClockState)) throw new Error(`unknown SLA filter ${filter}`);
        // A ticket the module has not seen yet counts as no policy, as its badge says.
        const subjectWith = (q: Knex.QueryBuilder, state: string, op: '=' | '<>') =>
          q
            .select(1)
            .from(`${subjects} as sv_f`)
            .where('sv_f.subject_type', 'ticket')
            .whereRaw('?? = ??', ['sv_f.subject_id', ticketIdColumn])
            .where('sv_f.sla_state', op, state);
        if (filter === 'no_policy') qb.whereNotExists((q) => subjectWith(q, 'no_policy', '<>'));
        else qb.whereExists((q) => subjectWith(q, filter, '='));
      }
      if (sort !== undefined) {
        const dir = sort === 'desc' ? 'DESC' : 'ASC';
        qb.orderByRaw(
          `COALESCE((SELECT CASE sv_o.sla_state WHEN 'breached' THEN 0 WHEN 'at_risk' THEN 1 ` +
            `WHEN 'on_track' THEN 2 WHEN 'paused' THEN 3 WHEN 'met' THEN 4 ELSE 5 END ` +
            `FROM ?? AS sv_o WHERE sv_o.subject_type = 'ticket' AND sv_o.subject_id = ??), 5) ${dir}`,
          [subjects, ticketIdColumn],
        );
        // Paused clocks are left out: their stored due time moves on while they wait.
        qb.orderByRaw(
          `COALESCE((SELECT MIN(sv_c.due_at) FROM ?? AS sv_c WHERE sv_c.subject_type = 'ticket' ` +
            `AND sv_c.subject_id = ?? AND sv_c.met_at IS NULL AND sv_c.ended_at IS NULL ` +
            `AND sv_c.state <> 'paused'), '9999-12-31') ${dir}`,
          [clocks, ticketIdColumn],
        );
      }
    },
  };
}
