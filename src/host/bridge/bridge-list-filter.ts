import type { Knex } from 'knex';
import { z } from 'zod';
import type { Clock } from '../host-context';
import { TICKET_LIST_STATES, ticketStateIsSql } from '../../store/read/ticket-state-sql';

/**
 * The SLA rule of Perfex's own ticket-list filter (`POST /bridge/ticket-list-filter`): PHP asks
 * for the SQL condition of one state and hands it to Perfex's filter builder as the rule's raw
 * condition. The condition is the service's one definition of "state now" (ticketStateIsSql,
 * the devhost's `?sla=` filter uses it too), so PHP holds no copy of it.
 */
export const LIST_FILTER_BODY = z.strictObject({ state: z.enum(TICKET_LIST_STATES) });

/** Perfex's ticket list reads `<prefix>tickets`; the condition is correlated on its key. */
const PERFEX_TICKET_ID_COLUMN = (prefix: string) => `${prefix}tickets.ticketid`;

export type ListFilterCondition = (body: z.infer<typeof LIST_FILTER_BODY>) => { condition: string };

/**
 * `{"condition": "..."}` for a state at the service's now: a self-contained SQL text, since PHP
 * cannot bind parameters into Perfex's query. The database driver renders every value (the
 * moment `now`, the state, the table names) as a quoted literal or identifier: nothing is
 * concatenated into the SQL, and the state was already one of TICKET_LIST_STATES.
 */
export function listFilterCondition(db: Knex, prefix: string, clock: Clock): ListFilterCondition {
  return ({ state }) => {
    const part = ticketStateIsSql(prefix, PERFEX_TICKET_ID_COLUMN(prefix), clock.now(), state);
    return { condition: db.raw(part.sql, part.bindings).toQuery() };
  };
}
