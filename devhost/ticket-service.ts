import crypto from 'node:crypto';
import { z } from 'zod';
import type { PerfexTicketRow, SettingsColumn } from '../src/host/host-context';
import { PerfexModel } from './perfex-model';
import { parseInput, ValidationError } from './validation-error';

const id = z.coerce.number().int().positive();
const optionalId = z.coerce.number().int().min(0);
const pastDate = z.coerce.date();

export const CreateTicketSchema = z
  .object({
    subject: z.string().trim().min(1, 'subject is required').max(191),
    message: z.string().trim().min(1, 'message is required'),
    department: id,
    priority: optionalId.default(2),
    service: optionalId.optional(),
    assigned: optionalId.default(0),
    userid: optionalId.default(0),
    contactid: optionalId.default(0),
    name: z.string().trim().max(191).optional(),
    email: z.email().optional(),
    /** Staff member opening it; absent when a client opened it. */
    admin: id.nullable().optional(),
    date: pastDate.optional(),
  })
  .strict();

export const ReplySchema = z
  .object({
    message: z.string().trim().min(1, 'message is required'),
    /** Staff id for a staff reply, null for a client reply. */
    admin: id.nullable(),
    contactid: optionalId.optional(),
    status: id.optional(),
    date: pastDate.optional(),
    /** Perfex's "assign to me" on a staff reply: sets `assigned` with only the reply hook firing. */
    assignToMe: z.boolean().optional(),
  })
  .strict()
  .refine((d) => !d.assignToMe || d.admin !== null, {
    message: 'only a staff reply can assign the ticket to its author',
    path: ['assignToMe'],
  });

export const SettingsSchema = z
  .object({
    department: id.optional(),
    priority: optionalId.optional(),
    assigned: optionalId.optional(),
    userid: optionalId.optional(),
    contactid: optionalId.optional(),
    service: optionalId.optional(),
  })
  .strict()
  .refine((d) => Object.keys(d).length > 0, { message: 'nothing to change' });

export const StatusSchema = z.object({ status: id }).strict();
export const BulkStatusSchema = z
  .object({ ids: z.array(id).min(1, 'select at least one ticket'), status: id })
  .strict();
export const MergeSchema = z
  .object({ primary: id, ids: z.array(id).min(1, 'select at least one ticket to merge') })
  .strict();

/**
 * The devhost's Perfex `Tickets_model`: writes the rows Perfex writes (wall-clock datetimes in
 * `default_timezone`) and fires the hooks Perfex fires, and none where Perfex fires none.
 */
export class TicketService extends PerfexModel {
  async getRow(ticketId: number): Promise<PerfexTicketRow> {
    const row = await this.db(this.t('tickets')).where('ticketid', ticketId).first();
    if (!row)
      throw Object.assign(ValidationError.field('ticketid', `ticket ${ticketId} does not exist`), {
        status: 404,
      });
    return row as PerfexTicketRow;
  }

  private async checkReferences(input: {
    department?: number;
    priority?: number;
    service?: number;
    assigned?: number;
    userid?: number;
    contactid?: number;
    status?: number;
    admin?: number | null;
  }): Promise<void> {
    if (input.department !== undefined)
      await this.mustExist('departments', 'departmentid', input.department, 'department');
    if (input.priority) await this.mustExist('tickets_priorities', 'priorityid', input.priority, 'priority');
    if (input.service) await this.mustExist('services', 'serviceid', input.service, 'service');
    if (input.assigned) await this.mustExist('staff', 'staffid', input.assigned, 'assigned');
    if (input.admin) await this.mustExist('staff', 'staffid', input.admin, 'admin');
    if (input.status !== undefined)
      await this.mustExist('tickets_status', 'ticketstatusid', input.status, 'status');
    if (input.userid) await this.mustExist('clients', 'userid', input.userid, 'userid');
    if (input.contactid) {
      const contact = await this.db(this.t('contacts')).where('id', input.contactid).first();
      if (!contact) throw ValidationError.field('contactid', `contactid ${input.contactid} does not exist`);
      if (input.userid !== undefined && input.userid !== 0 && contact.userid !== input.userid) {
        throw ValidationError.field(
          'contactid',
          `contact ${input.contactid} does not belong to client ${input.userid}`,
        );
      }
    }
  }

  /** Opens a ticket (status 1 Open, as Perfex hard-codes) and fires `ticket_created`. */
  async create(raw: unknown): Promise<number> {
    const input = parseInput(CreateTicketSchema, raw);
    let userid = input.userid;
    if (input.contactid && !userid) {
      const contact = await this.db(this.t('contacts')).where('id', input.contactid).first();
      userid = contact?.userid ?? 0;
    }
    await this.checkReferences({ ...input, userid });
    if (!userid && !input.email && input.admin === undefined) {
      throw ValidationError.field('contactid', 'choose a contact, or give the submitter email');
    }
    const date = this.wallClock(input.date, 'date');
    const [ticketId] = await this.db(this.t('tickets')).insert({
      subject: input.subject,
      message: input.message,
      department: input.department,
      priority: input.priority,
      service: input.service || null,
      assigned: input.assigned,
      userid,
      contactid: input.contactid,
      name: input.name ?? null,
      email: input.email ?? null,
      admin: input.admin ?? null,
      status: 1,
      date,
      ticketkey: crypto.randomBytes(16).toString('hex'),
      adminread: input.admin ? 1 : 0,
      clientread: input.admin ? 0 : 1,
    });
    await this.hooks.fire('ticket_created', ticketId);
    return ticketId;
  }

  /**
   * Adds a reply like Perfex: staff replies set the given status (default option
   * `default_ticket_reply_status`), client replies reopen to 1 unless the ticket is In progress.
   */
  async reply(ticketId: number, raw: unknown): Promise<number> {
    const input = parseInput(ReplySchema, raw);
    const ticket = await this.getRow(ticketId);
    await this.checkReferences({ admin: input.admin, status: input.status });
    const date = this.wallClock(input.date, 'date');
    let status: number;
    if (input.admin !== null) {
      const option = await this.db(this.t('options')).where('name', 'default_ticket_reply_status').first();
      status = input.status ?? Number(option?.value ?? 3);
    } else {
      status = ticket.status === 2 ? 2 : 1;
    }
    const replyId = await this.db.transaction(async (trx) => {
      const [newId] = await trx(this.t('ticket_replies')).insert({
        ticketid: ticketId,
        userid: input.admin === null ? ticket.userid : null,
        contactid: input.admin === null ? (input.contactid ?? ticket.contactid) : 0,
        date,
        message: input.message,
        admin: input.admin,
      });
      await trx(this.t('tickets'))
        .where('ticketid', ticketId)
        .update({
          lastreply: date,
          status,
          adminread: input.admin === null ? 0 : 1,
          clientread: input.admin === null ? 1 : 0,
          ...(input.assignToMe && input.admin !== null ? { assigned: input.admin } : {}),
        });
      return newId as number;
    });
    await this.hooks.fire('after_ticket_reply_added', { id: ticketId, replyid: replyId, admin: input.admin });
    if (status !== ticket.status)
      await this.hooks.fire('after_ticket_status_changed', { id: ticketId, status });
    return replyId;
  }

  async changeStatus(ticketId: number, raw: unknown): Promise<void> {
    const { status } = parseInput(StatusSchema, raw);
    await this.getRow(ticketId);
    await this.checkReferences({ status });
    await this.db(this.t('tickets')).where('ticketid', ticketId).update({ status });
    await this.hooks.fire('after_ticket_status_changed', { id: ticketId, status });
  }

  /** Department / priority / assignee / client edits: Perfex's only hook for them. */
  async updateSettings(ticketId: number, raw: unknown): Promise<void> {
    const data = parseInput(SettingsSchema, raw) as Partial<Record<SettingsColumn, number>>;
    const original = await this.getRow(ticketId);
    await this.checkReferences({ ...data, userid: data.userid ?? original.userid });
    await this.db(this.t('tickets')).where('ticketid', ticketId).update(data);
    await this.hooks.fire('ticket_settings_updated', {
      ticket_id: ticketId,
      original_ticket: original,
      data,
    });
  }

  /** Bulk action from the ticket list: Perfex fires no hook for it. */
  async bulkStatus(raw: unknown): Promise<number> {
    const { ids, status } = parseInput(BulkStatusSchema, raw);
    await this.checkReferences({ status });
    await this.mustAllExist(ids);
    return this.db(this.t('tickets')).whereIn('ticketid', ids).update({ status });
  }

  /**
   * Merge like Perfex: each other ticket's message and replies are copied onto the primary as
   * new reply rows keeping their dates and authors (the primary's `lastreply` stays), the others
   * get `merged_ticket_id`, " [MERGED]" and status 5, and no hook fires.
   */
  async merge(raw: unknown): Promise<void> {
    const { primary, ids } = parseInput(MergeSchema, raw);
    if (ids.includes(primary)) throw ValidationError.field('ids', 'cannot merge a ticket into itself');
    await this.getRow(primary);
    await this.mustAllExist(ids);
    await this.db.transaction(async (trx) => {
      for (const other of ids) {
        const row = await trx(this.t('tickets')).where('ticketid', other).first();
        const replies = await trx(this.t('ticket_replies')).where('ticketid', other).orderBy(['date', 'id']);
        const copies = [
          {
            userid: row.userid,
            contactid: row.contactid,
            date: row.date,
            message: row.message,
            admin: row.admin,
          },
          ...replies.map((r: Record<string, unknown>) => ({
            userid: r.userid,
            contactid: r.contactid,
            date: r.date,
            message: r.message,
            admin: r.admin,
          })),
        ];
        await trx(this.t('ticket_replies')).insert(copies.map((c) => ({ ...c, ticketid: primary })));
        await trx(this.t('tickets'))
          .where('ticketid', other)
          .update({
            merged_ticket_id: String(primary),
            status: 5,
            subject: `${String(row.subject).slice(0, 191 - ' [MERGED]'.length)} [MERGED]`,
          });
      }
    });
  }

  async delete(ticketId: number): Promise<void> {
    await this.getRow(ticketId);
    await this.db.transaction(async (trx) => {
      await trx(this.t('ticket_replies')).where('ticketid', ticketId).delete();
      await trx(this.t('tickets')).where('ticketid', ticketId).delete();
    });
    await this.hooks.fire('after_ticket_deleted', ticketId);
  }

  private async mustAllExist(ids: number[]): Promise<void> {
    const found = await this.db(this.t('tickets')).whereIn('ticketid', ids).pluck('ticketid');
    const missing = ids.filter((x) => !found.includes(x));
    if (missing.length) throw ValidationError.field('ids', `tickets ${missing.join(', ')} do not exist`);
  }
}
