import type { Knex } from 'knex';

/**
 * Host rows inserted as a script or a permissive MySQL server (Perfex's own `sql_mode`) leaves
 * them, with no hook: zero dates and other odd values are stored as given.
 */
async function permissive<T>(db: Knex, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  return db.transaction(async (trx) => {
    await trx.raw("SET SESSION sql_mode = ''");
    const result = await work(trx);
    await trx.raw('SET SESSION sql_mode = DEFAULT');
    return result;
  });
}

/** A ticket of `department` opened 2026-03-03 10:00 (host time) unless `fields` say otherwise. */
export function insertRawTicket(
  db: Knex,
  department: number,
  fields: Record<string, unknown> = {},
): Promise<number> {
  return permissive(db, async (trx) => {
    const [id] = await trx('tbltickets').insert({
      subject: 'odd',
      message: 'm',
      department,
      priority: 2,
      status: 1,
      ticketkey: 'k',
      date: '2026-03-03 10:00:00',
      ...fields,
    });
    return id;
  });
}

/** A reply by staff `admin` (null: by the client) dated `date` as stored. */
export function insertRawReply(
  db: Knex,
  ticketid: number,
  date: string | null,
  admin: number | null = 1,
): Promise<number> {
  return permissive(db, async (trx) => {
    const [id] = await trx('tblticket_replies').insert({
      ticketid,
      message: 'r',
      admin,
      userid: admin === null ? 1 : 0,
      date,
    });
    return id;
  });
}
