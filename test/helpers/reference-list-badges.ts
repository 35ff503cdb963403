import type { i18n, TFunction } from 'i18next';
import type { Knex } from 'knex';
import type { ClockState } from '../../src/sla/clocks/sla-event';
import { liveState, mostUrgent, ticketState } from '../../src/sla/clocks/live-state';
import { formatDateTime } from '../../src/i18n/format-date';
import { escapeHtml } from '../../src/web/escape-html';
import { stateBadge } from '../../src/web/state-badge';
import { groupBadgeRows, type BadgeClock, type SubjectClocks } from '../../src/web/list-badges';
import { timeLeftText } from '../../src/web/ticket-widgets';

/**
 * The list columns' first renderer (before issue 14), kept as the reference their output must
 * equal byte for byte: i18next asked per phrase, luxon per date, the clocks joined without an
 * index hint. Only the cells of a viewer who sees every subject (the paths the rewrite changed).
 */

function referenceBadge(
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
  return stateBadge(state, timeLeftText(t, state as ClockState, clock.dueAt, now), title);
}

async function referenceRows(db: Knex, kind: 'ticket' | 'lead', ids: readonly number[]) {
  if (ids.length === 0) return [];
  return db('tblsla_vigil_subjects as s')
    .leftJoin('tblsla_vigil_clocks as c', (join) => {
      join
        .on('c.subject_type', 's.subject_type')
        .andOn('c.subject_id', 's.subject_id')
        .andOnNull('c.met_at')
        .andOnNull('c.ended_at')
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

export interface ReferenceView {
  db: Knex;
  translator: i18n;
  zone: string;
  now: Date;
  lang: string;
}

/** The ticket column's cells as the first renderer made them. */
export async function referenceTicketCells(
  view: ReferenceView,
  ids: readonly number[],
): Promise<Map<number, string>> {
  const t = view.translator.getFixedT(view.lang);
  const fmt = (d: Date) => formatDateTime(d, view.zone, view.lang, view.now);
  const byTicket = groupBadgeRows(await referenceRows(view.db, 'ticket', ids));
  return new Map(
    ids.map((id): [number, string] => {
      const ticket = byTicket.get(id);
      if (!ticket) return [id, stateBadge('no_policy', '—', t('column.not_seen'))];
      return [id, referenceBadge(ticket, t, view.now, fmt, (c) => t(`metrics.${c.metric}`))];
    }),
  );
}

/** The lead column's cells as the first renderer made them. */
export async function referenceLeadCells(
  view: ReferenceView,
  ids: readonly number[],
  statuses: readonly { id: number; name: string }[],
): Promise<Map<number, string>> {
  const t = view.translator.getFixedT(view.lang);
  const fmt = (d: Date) => formatDateTime(d, view.zone, view.lang, view.now);
  const statusName = new Map(statuses.map((s) => [s.id, s.name]));
  const label = (c: BadgeClock): string =>
    c.metric === 'status_time' && c.status !== null
      ? t('metrics.status_time_in', { status: statusName.get(c.status) ?? `#${c.status}` })
      : t(`metrics.${c.metric}`, { defaultValue: c.metric });
  const bySubject = groupBadgeRows(await referenceRows(view.db, 'lead', ids));
  return new Map(
    ids.map((id): [number, string] => {
      const clocks = bySubject.get(id);
      if (!clocks) return [id, stateBadge('no_policy', '—', t('column.not_seen'))];
      return [id, referenceBadge(clocks, t, view.now, fmt, label)];
    }),
  );
}

/** The view-own "not yours" cell, as the first renderer made it. */
export function referenceNotYours(t: TFunction, key: 'column.not_yours' | 'lead_column.not_yours'): string {
  return `<span class="sv-not-yours" style="color:#9ca3af" title="${escapeHtml(t(key))}">–</span>`;
}
