import type { Knex } from 'knex';
import type {
  HostReply,
  HostStaff,
  HostTicket,
  NamedRow,
  TicketGateway,
  TicketSearchFilter,
} from '../host-context';
import { hostToInstant, instantToHost } from '../../store/datetime';

interface TicketRow {
  ticketid: number;
  date: string;
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

interface StaffRow {
  staffid: number;
  email: string;
  firstname: string;
  lastname: string;
  admin: number;
  active: number;
  default_language: string | null;
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

  private toTicket(row: TicketRow): HostTicket {
    return {
      id: row.ticketid,
      createdAt: hostToInstant(row.date, this.timezone),
      lastReplyAt: row.lastreply ? hostToInstant(row.lastreply, this.timezone) : null,
      status: row.status,
      priority: row.priority,
      department: row.department,
      assigned: row.assigned,
      userid: row.userid,
      contactid: row.contactid,
      admin: row.admin,
      subject: row.subject,
      service: row.service,
      mergedTicketId: row.merged_ticket_id ? Number(row.merged_ticket_id) : null,
    };
  }

  async getTicket(id: number): Promise<HostTicket | null> {
    const row: TicketRow | undefined = await this.db(this.t('tickets'))
      .select(TICKET_COLUMNS)
      .where('ticketid', id)
      .first();
    return row ? this.toTicket(row) : null;
  }

  async getTickets(ids: readonly number[]): Promise<HostTicket[]> {
    if (ids.length === 0) return [];
    const rows: TicketRow[] = await this.db(this.t('tickets'))
      .select(TICKET_COLUMNS)
      .whereIn('ticketid', ids);
    return rows.map((r) => this.toTicket(r));
  }

  async listTicketsAfter(afterId: number, limit: number): Promise<HostTicket[]> {
    const rows: TicketRow[] = await this.db(this.t('tickets'))
      .select(TICKET_COLUMNS)
      .where('ticketid', '>', afterId)
      .orderBy('ticketid')
      .limit(limit);
    return rows.map((r) => this.toTicket(r));
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
    // Not merged: NULL, or an empty / zero id, as the module reads a merge into ticket 0.
    if (filter.excludeMerged) {
      query.where((q) => q.whereNull('merged_ticket_id').orWhereIn('merged_ticket_id', ['', '0']));
    }
    const rows: { ticketid: number }[] = await query.orderBy('ticketid', 'desc').limit(limit);
    return rows.map((r) => r.ticketid);
  }

  async getReply(id: number): Promise<HostReply | null> {
    const row = await this.db(this.t('ticket_replies'))
      .select('id', 'ticketid', 'date', 'admin')
      .where('id', id)
      .first();
    return row ? this.toReply(row) : null;
  }

  async listRepliesAfter(afterId: number, limit: number): Promise<HostReply[]> {
    const rows = await this.db(this.t('ticket_replies'))
      .select('id', 'ticketid', 'date', 'admin')
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit);
    return rows.map((r: { id: number; ticketid: number; date: string; admin: number | null }) =>
      this.toReply(r),
    );
  }

  async listReplies(ticketId: number): Promise<HostReply[]> {
    const rows = await this.db(this.t('ticket_replies'))
      .select('id', 'ticketid', 'date', 'admin')
      .where('ticketid', ticketId)
      .orderBy([{ column: 'date' }, { column: 'id' }]);
    return rows.map((r: { id: number; ticketid: number; date: string; admin: number | null }) =>
      this.toReply(r),
    );
  }

  private toReply(row: { id: number; ticketid: number; date: string; admin: number | null }): HostReply {
    return {
      id: row.id,
      ticketId: row.ticketid,
      createdAt: hostToInstant(row.date, this.timezone),
      admin: row.admin,
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
      .where('is_not_staff', 0)
      .orderBy(['firstname', 'lastname']);
    return rows.map(toStaff);
  }

  async listDepartmentStaff(departmentId: number): Promise<HostStaff[]> {
    const rows: StaffRow[] = await this.db(`${this.t('staff')} as s`)
      .join(`${this.t('staff_departments')} as d`, 'd.staffid', 's.staffid')
      .where('d.departmentid', departmentId)
      .andWhere('s.active', 1)
      .select('s.*');
    return rows.map(toStaff);
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

function toStaff(r: StaffRow): HostStaff {
  return {
    id: r.staffid,
    email: r.email,
    firstname: r.firstname,
    lastname: r.lastname,
    admin: r.admin === 1,
    active: r.active === 1,
    defaultLanguage: r.default_language ?? 'english',
  };
}
