import type { Knex } from 'knex';

interface CopyCandidate {
  id: number;
  ticketid: number;
}

/** A row's identity across the copy: its ticket, date, author and text. */
const key = (ticketId: number, date: unknown, admin: unknown, message: unknown): string =>
  JSON.stringify([ticketId, String(date), admin === null ? null : Number(admin), String(message ?? '')]);

/**
 * Which of these reply rows a merge copied (PERFEX.md, "Merges copy replies"): Perfex copies
 * each merged ticket's message and replies onto the primary as new reply rows with their
 * original date and admin, and fires no reply hook. A row is a copy when a ticket merged into
 * its ticket has the same date, author and text, as its opening message or one of its replies.
 * One lookup for the whole batch, and none when no ticket was merged into the batch's tickets.
 */
export async function findMergeCopies(
  db: Knex,
  prefix: string,
  rows: readonly CopyCandidate[],
): Promise<Set<number>> {
  const copies = new Set<number>();
  const primaries = [...new Set(rows.map((r) => r.ticketid))];
  if (primaries.length === 0) return copies;
  // merged_ticket_id is a varchar holding the primary's id.
  const merged: {
    ticketid: number;
    merged_ticket_id: string;
    date: unknown;
    admin: unknown;
    message: unknown;
  }[] = await db(`${prefix}tickets`)
    .select('ticketid', 'merged_ticket_id', 'date', 'admin', 'message')
    .whereIn('merged_ticket_id', primaries.map(String));
  if (merged.length === 0) return copies;
  const primaryOf = new Map(merged.map((m) => [m.ticketid, Number(String(m.merged_ticket_id).trim())]));
  const originals = new Set(
    merged.map((m) => key(primaryOf.get(m.ticketid) ?? 0, m.date, m.admin, m.message)),
  );
  const mergedReplies: { ticketid: number; date: unknown; admin: unknown; message: unknown }[] = await db(
    `${prefix}ticket_replies`,
  )
    .select('ticketid', 'date', 'admin', 'message')
    .whereIn('ticketid', [...primaryOf.keys()]);
  for (const r of mergedReplies)
    originals.add(key(primaryOf.get(r.ticketid) ?? 0, r.date, r.admin, r.message));
  const onPrimaries = new Set(primaryOf.values());
  const candidates: { id: number; ticketid: number; date: unknown; admin: unknown; message: unknown }[] =
    await db(`${prefix}ticket_replies`)
      .select('id', 'ticketid', 'date', 'admin', 'message')
      .whereIn(
        'id',
        rows.filter((r) => onPrimaries.has(r.ticketid)).map((r) => r.id),
      );
  for (const c of candidates)
    if (originals.has(key(c.ticketid, c.date, c.admin, c.message))) copies.add(c.id);
  return copies;
}
