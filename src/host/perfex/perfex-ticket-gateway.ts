import type { Knex } from 'knex';
import type {
  HostBatch,
  HostReply,
  HostStaff,
  HostTicket,
  NamedRow,
  TicketGateway,
  TicketSearchFilter,
  UnreadableRow,
} from '../host-context';
import { instantToHost } from '../../store/datetime';
import { readHostDatetime, readMergedTicketId } from './host-datetime';
import { hostInt, splitReadable } from './host-rows';

/** As the driver returns it: Perfex runs with a permissive sql_mode, so any value may be odd. */
interface TicketRow {
  ticketid: number;
  date: string | null;
  lastreply: string | null;
  status: number;
  priority: number;
  department: number;
  assigned: number;
  userid: number;
  contactid: number;
  admin: number | null;
  subject: string;
  service: number | null;
  merged_ticket_id: string | null;
}

interface ReplyRow {
  id: number;
  ticketid: number;
  date: string | null;
  admin: number | null;
}

const REPLY_COLUMNS = ['id', 'ticketid', 'date', 'admin'];

interface StaffRow {
  staffid: number;
  email: string;
  firstname: string;
  lastname: string;
  admin: number;
  active: number;
  default_language: string | null;
  /** The option `active_language`, selected with the row. */
  install_language: string | null;
}

const TICKET_COLUMNS = [
  'ticketid',
  'date',
  'lastreply',
  'status',
  'priority',
  'department',
  'assigned',
  'userid',
  'contactid',
  'admin',
  'subject',
  'service',
  'merged_ticket_id',
];

/** Reads Perfex's ticket tables in the module's vocabulary; converts wall-clock datetimes to instants. */
export class PerfexTicketGateway implements TicketGateway {
  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
    private readonly timezone: string,
  ) {}

  private t(name: string): string {
    return `${this.prefix}${name}`;
  }

  private toTicket(row: TicketRow): HostTicket | UnreadableRow {
    const created = readHostDatetime(row.date, this.timezone);
    if (!created.ok) return { id: row.ticketid, subjectId: row.ticketid, reason: `ticket ${created.reason}` };
    // The last reply time only dates a status change the scan finds; an odd one is just unknown.
    const lastReply = row.lastreply === null ? null : readHostDatetime(row.lastreply, this.timezone);
    return {
      id: row.ticketid,
      createdAt: created.at,
      lastReplyAt: lastReply?.ok ? lastReply.at : null,
      status: hostInt(row.status),
      priority: hostInt(row.priority),
      department: hostInt(row.department),
      assigned: hostInt(row.assigned),
      userid: hostInt(row.userid),
      contactid: hostInt(row.contactid),
      admin: row.admin === null ? null : hostInt(row.admin),
      subject: row.subject ?? '',
      // 0 when an admin left it empty, NULL from the client portal: both mean "no service".
      service: row.service === null || hostInt(row.service) === 0 ? null : hostInt(row.service),
      mergedTicketId: mergedInto(row),
    };
  }

  private readable(rows: TicketRow[]): HostTicket[] {
    return splitReadable(rows.map((r) => this.toTicket(r))).rows;
  }

  async getTicket(id: number): Promise<HostTicket | null> {
    return (await this.getTickets([id]))[0] ?? null;
  }

  async getTickets(ids: readonly number[]): Promise<HostTicket[]> {
    if (ids.length === 0) return [];
    const rows: TicketRow[] = await this.db(this.t('tickets'))
      .select(TICKET_COLUMNS)
      .whereIn('ticketid', ids);
    return this.readable(rows);
  }

  async existingTicketIds(ids: readonly number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const rows: { ticketid: number }[] = await this.db(this.t('tickets'))
      .select('ticketid')
      .whereIn('ticketid', ids);
    return new Set(rows.map((r) => r.ticketid));
  }

  async listTicketsAfter(afterId: number, limit: number): Promise<HostBatch<HostTicket>> {
    const rows: TicketRow[] = await this.db(this.t('tickets'))
      .select(TICKET_COLUMNS)
      .where('ticketid', '>', afterId)
      .orderBy('ticketid')
      .limit(limit);
    return splitReadable(rows.map((r) => this.toTicket(r)));
  }

  async searchTicketIds(text: string, limit: number, filter: TicketSearchFilter = {}): Promise<number[]> {
    const term = text.trim();
    if (term === '') return [];
    const id = /^#?(\d{1,10})$/.exec(term);
    // LIKE wildcards in the text are literal: a search for "50%" finds "50%", not everything.
    const pattern = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const query = this.db(this.t('tickets'))
      .select('ticketid')
      .where((q) => {
        q.where('subject', 'like', pattern);
        if (id) q.orWhere('ticketid', Number(id[1]));
      });
    if (filter.excludeStatus?.length) query.whereNotIn('status', filter.excludeStatus);
    // Not merged: anything but a positive decimal id, as readMergedTicketId reads the varchar.
    if (filter.excludeMerged) {
      query.where((q) =>
        q
          .whereNull('merged_ticket_id')
          .orWhereRaw("TRIM(??) NOT REGEXP '^[1-9][0-9]{0,9}$'", ['merged_ticket_id'])
          // "Merged into itself" is no merge, as mergedInto() reads it.
          .orWhereRaw('TRIM(??) = CAST(?? AS CHAR)', ['merged_ticket_id', 'ticketid']),
      );
    }
    const rows: { ticketid: number }[] = await query.orderBy('ticketid', 'desc').limit(limit);
    return rows.map((r) => r.ticketid);
  }

  async getReply(id: number): Promise<HostReply | null> {
    return (await this.getReplies([id])).rows[0] ?? null;
  }

  async getReplies(ids: readonly number[]): Promise<HostBatch<HostReply>> {
    if (ids.length === 0) return { rows: [], unreadable: [] };
    const rows: ReplyRow[] = await this.db(this.t('ticket_replies'))
      .select(REPLY_COLUMNS)
      .whereIn('id', ids)
      .orderBy('id');
    return splitReadable(rows.map((r) => this.toReply(r)));
  }

  async listRepliesAfter(afterId: number, limit: number): Promise<HostBatch<HostReply>> {
    const rows: ReplyRow[] = await this.db(this.t('ticket_replies'))
      .select(REPLY_COLUMNS)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit);
    return splitReadable(rows.map((r) => this.toReply(r)));
  }

  async listReplies(ticketId: number): Promise<HostReply[]> {
    const rows: ReplyRow[] = await this.db(this.t('ticket_replies'))
      .select(REPLY_COLUMNS)
      .where('ticketid', ticketId)
      .orderBy([{ column: 'date' }, { column: 'id' }]);
    return splitReadable(rows.map((r) => this.toReply(r))).rows;
  }

  async mergedContentTimes(ticketIds: readonly number[]): Promise<Map<number, Set<number>>> {
    const byTicket = new Map<number, Set<number>>();
    if (ticketIds.length === 0) return byTicket;
    // merged_ticket_id is a varchar without an index: this runs only for the few tickets a
    // reconcile found replies on without a hook, and reads replies only when a merge is there.
    const merged: { ticketid: number; merged_ticket_id: string | null; date: string | null }[] =
      await this.db(this.t('tickets'))
        .select('ticketid', 'merged_ticket_id', 'date')
        .whereIn(
          'merged_ticket_id',
          ticketIds.map((id) => String(id)),
        );
    const intoOf = new Map<number, number>();
    const add = (into: number, date: string | null) => {
      const read = readHostDatetime(date, this.timezone);
      if (!read.ok) return;
      const times = byTicket.get(into) ?? new Set<number>();
      times.add(read.at.getTime());
      byTicket.set(into, times);
    };
    for (const row of merged) {
      const into = readMergedTicketId(row.merged_ticket_id);
      if (into === null || into === row.ticketid) continue;
      intoOf.set(row.ticketid, into);
      add(into, row.date);
    }
    if (intoOf.size === 0) return byTicket;
    const replies: { ticketid: number; date: string | null }[] = await this.db(this.t('ticket_replies'))
      .select('ticketid', 'date')
      .whereIn('ticketid', [...intoOf.keys()]);
    for (const reply of replies) add(intoOf.get(reply.ticketid) ?? 0, reply.date);
    return byTicket;
  }

  private toReply(row: ReplyRow): HostReply | UnreadableRow {
    const created = readHostDatetime(row.date, this.timezone);
    if (!created.ok) return { id: row.id, subjectId: row.ticketid, reason: `reply ${created.reason}` };
    return {
      id: row.id,
      ticketId: row.ticketid,
      createdAt: created.at,
      admin: row.admin === null ? null : hostInt(row.admin),
    };
  }

  async listStatuses(): Promise<(NamedRow & { color: string })[]> {
    const rows = await this.db(this.t('tickets_status')).orderBy('statusorder');
    return rows.map((r: { ticketstatusid: number; name: string; statuscolor: string | null }) => ({
      id: r.ticketstatusid,
      name: r.name,
      color: r.statuscolor ?? '#64748b',
    }));
  }

  async listPriorities(): Promise<NamedRow[]> {
    const rows = await this.db(this.t('tickets_priorities')).orderBy('priorityid');
    return rows.map((r: { priorityid: number; name: string }) => ({ id: r.priorityid, name: r.name }));
  }

  async listDepartments(): Promise<NamedRow[]> {
    const rows = await this.db(this.t('departments')).orderBy('name');
    return rows.map((r: { departmentid: number; name: string }) => ({ id: r.departmentid, name: r.name }));
  }

  async listStaff(): Promise<HostStaff[]> {
    const rows: StaffRow[] = await this.db(this.t('staff'))
      .select('*', this.installLanguage())
      .where('is_not_staff', 0)
      .orderBy(['firstname', 'lastname']);
    return rows.map(toStaff);
  }

  async listDepartmentStaff(departmentId: number): Promise<HostStaff[]> {
    const rows: StaffRow[] = await this.db(`${this.t('staff')} as s`)
      .join(`${this.t('staff_departments')} as d`, 'd.staffid', 's.staffid')
      .where('d.departmentid', departmentId)
      .andWhere('s.active', 1)
      .select('s.*', this.installLanguage());
    return rows.map(toStaff);
  }

  /**
   * PERFEX.md: a staff member's NULL or empty `default_language` means the option
   * `active_language`. Read as a column of the staff query itself, so it costs no query of its own.
   */
  private installLanguage(): Knex.QueryBuilder {
    return this.db(this.t('options'))
      .select('value')
      .where('name', 'active_language')
      .limit(1)
      .as('install_language');
  }

  async listClients(): Promise<NamedRow[]> {
    const rows: { userid: number; company: string | null }[] = await this.db(this.t('clients'))
      .select('userid', 'company')
      .orderBy([{ column: 'company' }, { column: 'userid' }]);
    return rows.map((r) => ({ id: r.userid, name: (r.company ?? '').trim() }));
  }

  async listServices(): Promise<NamedRow[]> {
    const rows: { serviceid: number; name: string | null }[] = await this.db(this.t('services'))
      .select('serviceid', 'name')
      .orderBy([{ column: 'name' }, { column: 'serviceid' }]);
    return rows.map((r) => ({ id: r.serviceid, name: (r.name ?? '').trim() }));
  }

  async clientNames(userids: readonly number[]): Promise<Map<number, string>> {
    const ids = userids.filter((id) => id > 0);
    if (ids.length === 0) return new Map();
    const rows: { userid: number; company: string | null }[] = await this.db(this.t('clients'))
      .select('userid', 'company')
      .whereIn('userid', ids);
    return new Map(rows.map((r) => [r.userid, r.company ?? '']));
  }

  async reassign(ticketId: number, staffId: number): Promise<void> {
    await this.db(this.t('tickets')).where('ticketid', ticketId).update({ assigned: staffId });
  }

  async changeDepartment(ticketId: number, departmentId: number): Promise<void> {
    await this.db(this.t('tickets')).where('ticketid', ticketId).update({ department: departmentId });
  }

  async changePriority(ticketId: number, priorityId: number): Promise<void> {
    await this.db(this.t('tickets')).where('ticketid', ticketId).update({ priority: priorityId });
  }

  /** Perfex has no internal ticket notes table in core; the activity log is where staff look. */
  async addInternalNote(ticketId: number, note: string): Promise<void> {
    await this.db(this.t('activity_log')).insert({
      description: `Ticket #${ticketId}: ${note}`,
      date: instantToHost(new Date(), this.timezone),
      staffid: 'SLA Vigil',
    });
  }
}

/** Merged into another ticket; "merged into itself" is no merge (the ticket stays as it is). */
function mergedInto(row: TicketRow): number | null {
  const target = readMergedTicketId(row.merged_ticket_id);
  return target === row.ticketid ? null : target;
}

function toStaff(r: StaffRow): HostStaff {
  return {
    id: r.staffid,
    email: r.email,
    firstname: r.firstname,
    lastname: r.lastname,
    admin: r.admin === 1,
    active: r.active === 1,
    defaultLanguage: r.default_language?.trim() || r.install_language?.trim() || 'english',
  };
}
