import type { Knex } from 'knex';
import { z } from 'zod';
import type { Clock } from '../host-context';
import { TICKET_LIST_STATES, ticketStateIsSql, type ListKind } from '../../store/read/ticket-state-sql';
import { ListFilterForms } from '../../store/read/list-filter-form';

/**
 * The SLA rule of Perfex's own ticket-list and lead-list filters (`POST /bridge/ticket-list-filter`,
 * `/bridge/lead-list-filter`): PHP asks for the SQL condition of one state and hands it to Perfex's
 * filter builder as the rule's raw condition. The condition is the service's one definition of
 * "state now" (ticketStateIsSql, the devhost's `?sla=` filters use it too), so PHP holds no copy of it.
 */
export const LIST_FILTER_BODY = z.strictObject({ state: z.enum(TICKET_LIST_STATES) });

/** The key each of Perfex's lists reads (`<prefix>tickets`, `<prefix>leads`): the condition is correlated on it. */
const PERFEX_LIST_ID_COLUMN: Record<ListKind, (prefix: string) => string> = {
  ticket: (prefix) => `${prefix}tickets.ticketid`,
  lead: (prefix) => `${prefix}leads.id`,
};

/** The bridge route of each list's filter. */
export const LIST_FILTER_ROUTES: readonly (readonly [string, ListKind])[] = [
  ['/ticket-list-filter', 'ticket'],
  ['/lead-list-filter', 'lead'],
];

export type ListFilterCondition = (
  kind: ListKind,
  body: z.infer<typeof LIST_FILTER_BODY>,
) => { condition: string };

/**
 * `{"condition": "..."}` for a state of a ticket or lead at the service's now: a self-contained SQL
 * text, since PHP cannot bind parameters into Perfex's query. The database driver renders every
 * value (the moment `now`, the state, the table names) as a quoted literal or identifier: nothing
 * is concatenated into the SQL, and the state was already one of TICKET_LIST_STATES.
 */
export function listFilterCondition(db: Knex, prefix: string, clock: Clock): ListFilterCondition {
  const forms = new ListFilterForms(db, prefix, clock);
  return (kind, { state }) => {
    const id = PERFEX_LIST_ID_COLUMN[kind](prefix);
    const part = ticketStateIsSql(prefix, id, clock.now(), state, kind, forms.formFor(kind, state));
    return { condition: db.raw(part.sql, part.bindings).toQuery() };
  };
}
