import type { Knex } from 'knex';
import { z } from 'zod';
import { PerfexModel } from './perfex-model';
import { parseInput, ValidationError } from './validation-error';

const id = z.coerce.number().int().positive();
const optionalId = z.coerce.number().int().min(0);
const pastDate = z.coerce.date();
const flag = z.preprocess(
  (v) => (typeof v === 'boolean' ? Number(v) : v),
  z.coerce.number().int().min(0).max(1),
);

/** A tblleads row as stored (wall-clock datetimes as strings, `lead_value` as MariaDB's decimal string). */
export interface PerfexLeadRow {
  id: number;
  name: string;
  company: string | null;
  email: string | null;
  phonenumber: string | null;
  country: number;
  status: number;
  source: number;
  assigned: number;
  dateadded: string;
  dateassigned: string | null;
  last_status_change: string | null;
  lastcontact: string | null;
  addedfrom: number;
  lost: number;
  junk: number;
  date_converted: string | null;
  client_id: number;
  lead_value: string | null;
  default_language: string | null;
  is_public: number;
  from_form_id: number;
}

const details = {
  company: z.string().trim().max(191).optional(),
  email: z.email().max(100).optional(),
  phonenumber: z.string().trim().max(50).optional(),
  /** tblcountries.country_id; 0 = none. */
  country: optionalId.optional(),
  /** Staff id; 0 = nobody. */
  assigned: optionalId.optional(),
  lead_value: z.coerce.number().min(0).max(1e13).optional(),
  default_language: z.string().trim().max(40).optional(),
  is_public: flag.optional(),
};

export const CreateLeadSchema = z
  .object({
    name: z.string().trim().min(1, 'name is required').max(191),
    status: id,
    source: id,
    ...details,
    /** The staff member who added it; 0 when it came from a web form. */
    addedfrom: optionalId.default(0),
    from_form_id: optionalId.default(0),
    /** When it was added (default: now); the replayed demo month gives past dates. */
    date: pastDate.optional(),
    /** Staff ticked "contacted today" on the new-lead form: `lastcontact` is now. */
    contacted_today: z.boolean().optional(),
  })
  .strict();

export const UpdateLeadSchema = z
  .object({
    name: z.string().trim().min(1, 'name is required').max(191).optional(),
    status: id.optional(),
    source: id.optional(),
    ...details,
    /** "Contacted today": `lastcontact` becomes now. */
    contacted_today: z.boolean().optional(),
    /** A contact date given instead. */
    lastcontact: pastDate.optional(),
  })
  .strict()
  .refine((d) => Object.keys(d).length > 0, { message: 'nothing to change' });

export const StatusSchema = z.object({ status: id }).strict();

/** Columns a direct write may set (see `writeWithoutHooks`). */
export const DirectWriteSchema = z
  .object({
    ids: z.array(id).min(1, 'select at least one lead'),
    status: id.optional(),
    source: id.optional(),
    assigned: optionalId.optional(),
    country: optionalId.optional(),
    lost: flag.optional(),
    junk: flag.optional(),
  })
  .strict()
  .refine((d) => Object.keys(d).length > 1, { message: 'nothing to change' });

/**
 * The lead's profile fields, as the new-lead form and the edit form post them (Perfex uses one
 * form for both); what their values must be is this service's job.
 */
export const LEAD_PROFILE_FIELDS = [
  'name',
  'company',
  'email',
  'phonenumber',
  'country',
  'status',
  'source',
  'assigned',
  'lead_value',
] as const;

/** Columns whose change the edit form reports through `after_lead_updated`. */
const EDITABLE = [...LEAD_PROFILE_FIELDS, 'default_language', 'is_public'] as const;
type Editable = (typeof EDITABLE)[number];

/**
 * The devhost's Perfex `Leads_model`: writes tblleads the way PERFEX.md describes it (wall-clock
 * datetimes in `default_timezone`) and fires exactly the lead hooks PERFEX.md lists, at the
 * actions it lists them for. Where PERFEX.md lists no hook (converting to a customer, a direct
 * write or import) none fires: the module must find those changes by reconciling.
 */
export class LeadService extends PerfexModel {
  async getRow(leadId: number): Promise<PerfexLeadRow> {
    const row = await this.db(this.t('leads')).where('id', leadId).first();
    if (!row)
      throw Object.assign(ValidationError.field('id', `lead ${leadId} does not exist`), { status: 404 });
    return row as PerfexLeadRow;
  }

  /** The status a converted lead gets: the one marked `isdefault` ("Customer" on a fresh install). */
  async customerStatus(): Promise<number> {
    const row = await this.db(this.t('leads_status')).where('isdefault', 1).orderBy('id').first();
    if (!row) throw new Error('tblleads_status has no isdefault status: run devhost setup');
    return row.id as number;
  }

  private async checkReferences(input: {
    status?: number;
    source?: number;
    country?: number;
    assigned?: number;
    addedfrom?: number;
  }): Promise<void> {
    if (input.status !== undefined) await this.mustExist('leads_status', 'id', input.status, 'status');
    if (input.source !== undefined) await this.mustExist('leads_sources', 'id', input.source, 'source');
    if (input.country) await this.mustExist('countries', 'country_id', input.country, 'country');
    if (input.assigned) await this.mustExist('staff', 'staffid', input.assigned, 'assigned');
    if (input.addedfrom) await this.mustExist('staff', 'staffid', input.addedfrom, 'addedfrom');
  }

  private async staffName(staffId: number): Promise<string | null> {
    if (!staffId) return null;
    const s = await this.db(this.t('staff')).where('staffid', staffId).first('firstname', 'lastname');
    return s ? `${s.firstname} ${s.lastname}` : null;
  }

  /** One line of the lead's activity log (Perfex's "Activity log" tab), stamped with the clock. */
  private async log(
    trx: Knex,
    leadId: number,
    staffId: number,
    description: string,
    additional?: unknown,
  ): Promise<void> {
    await trx(this.t('lead_activity_log')).insert({
      leadid: leadId,
      description,
      additional_data: additional === undefined ? null : JSON.stringify(additional),
      date: this.wallClock(),
      staffid: staffId,
      full_name: await this.staffName(staffId),
    });
  }

  private async insert(raw: unknown): Promise<{ leadId: number; addedfrom: number }> {
    const input = parseInput(CreateLeadSchema, raw);
    await this.checkReferences(input);
    const dateadded = this.wallClock(input.date);
    const assigned = input.assigned ?? 0;
    const leadId = await this.db.transaction(async (trx) => {
      const [newId] = await trx(this.t('leads')).insert({
        name: input.name,
        company: input.company ?? null,
        email: input.email ?? null,
        phonenumber: input.phonenumber ?? null,
        country: input.country ?? 0,
        status: input.status,
        source: input.source,
        assigned,
        dateadded,
        dateassigned: assigned ? dateadded.slice(0, 10) : null,
        // It entered its first status when it was added.
        last_status_change: dateadded,
        lastcontact: input.contacted_today ? dateadded : null,
        addedfrom: input.addedfrom,
        lead_value: input.lead_value ?? null,
        default_language: input.default_language ?? null,
        is_public: input.is_public ?? 0,
        from_form_id: input.from_form_id,
      });
      return newId as number;
    });
    return { leadId, addedfrom: input.addedfrom };
  }

  /** Adds a lead (staff form or web form) and fires `lead_created` with its id. */
  async create(raw: unknown): Promise<number> {
    const { leadId, addedfrom } = await this.insert(raw);
    await this.log(this.db, leadId, addedfrom, 'Lead created');
    await this.hooks.fire('lead_created', leadId);
    return leadId;
  }

  /** Inserts leads the way an import or a script would: no `lead_created` (PERFEX.md lists none). */
  async importWithoutHooks(rows: unknown[]): Promise<number[]> {
    const ids: number[] = [];
    for (const [i, raw] of rows.entries()) {
      try {
        ids.push((await this.insert(raw)).leadId);
      } catch (err) {
        if (err instanceof ValidationError)
          throw new ValidationError(err.errors.map((e) => ({ ...e, field: `rows.${i}.${e.field}` })));
        throw err;
      }
    }
    return ids;
  }

  /**
   * The lead's edit form: saves what differs and fires, in PERFEX.md's line order,
   * `lead_status_changed` (when the status changed) and then `after_lead_updated` (when anything
   * changed). Assignment stamps `dateassigned`, a status change `last_status_change`, "contacted
   * today" `lastcontact`. Returns the columns that changed (none: no write, no hook).
   */
  async update(leadId: number, raw: unknown, staffId = 0): Promise<string[]> {
    const input = parseInput(UpdateLeadSchema, raw);
    const row = await this.getRow(leadId);
    await this.checkReferences(input);
    const now = this.wallClock();
    const changes: Record<string, unknown> = {};
    for (const key of EDITABLE) {
      const given = input[key];
      if (given === undefined) continue;
      if (!sameValue(row, key, given)) changes[key] = given;
    }
    if (changes.assigned !== undefined && changes.assigned !== 0) changes.dateassigned = now.slice(0, 10);
    if (changes.status !== undefined) changes.last_status_change = now;
    if (input.contacted_today) changes.lastcontact = now;
    else if (input.lastcontact) changes.lastcontact = this.wallClock(input.lastcontact, 'lastcontact');
    const changed = Object.keys(changes);
    if (changed.length === 0) return [];
    await this.db.transaction(async (trx) => {
      await trx(this.t('leads')).where('id', leadId).update(changes);
      if (changes.status !== undefined)
        await this.log(trx, leadId, staffId, 'Status changed', { from: row.status, to: changes.status });
      if (changes.assigned !== undefined)
        await this.log(trx, leadId, staffId, 'Assigned', { from: row.assigned, to: changes.assigned });
      if (changes.lastcontact !== undefined) await this.log(trx, leadId, staffId, 'Contacted');
    });
    if (changes.status !== undefined)
      await this.hooks.fire('lead_status_changed', {
        lead_id: leadId,
        old_status: row.status,
        new_status: changes.status as number,
      });
    await this.hooks.fire('after_lead_updated', leadId);
    return changed;
  }

  /** Staff ticked "contacted today": an edit of `lastcontact`, so `after_lead_updated` fires. */
  async markContacted(leadId: number, staffId = 0): Promise<void> {
    await this.update(leadId, { contacted_today: true }, staffId);
  }

  /**
   * The kanban drag (`Leads_model.php:835`): only the status moves, and only
   * `lead_status_changed` fires. Dropping a lead where it already is changes nothing.
   */
  async changeStatus(leadId: number, raw: unknown, staffId = 0): Promise<boolean> {
    const { status } = parseInput(StatusSchema, raw);
    const row = await this.getRow(leadId);
    await this.checkReferences({ status });
    if (row.status === status) return false;
    await this.db.transaction(async (trx) => {
      await trx(this.t('leads')).where('id', leadId).update({ status, last_status_change: this.wallClock() });
      await this.log(trx, leadId, staffId, 'Status changed', { from: row.status, to: status });
    });
    await this.hooks.fire('lead_status_changed', {
      lead_id: leadId,
      old_status: row.status,
      new_status: status,
    });
    return true;
  }

  async markLost(leadId: number, staffId = 0): Promise<void> {
    await this.mark(leadId, 'lost', staffId);
    await this.hooks.fire('lead_marked_as_lost', leadId);
  }

  async markJunk(leadId: number, staffId = 0): Promise<void> {
    await this.mark(leadId, 'junk', staffId);
    await this.hooks.fire('lead_marked_as_junk', leadId);
  }

  private async mark(leadId: number, column: 'lost' | 'junk', staffId: number): Promise<void> {
    const row = await this.getRow(leadId);
    if (row[column] === 1)
      throw ValidationError.field(column, `lead ${leadId} is already marked as ${column}`);
    if (row.date_converted) throw ValidationError.field(column, `lead ${leadId} is already a customer`);
    await this.db.transaction(async (trx) => {
      await trx(this.t('leads'))
        .where('id', leadId)
        .update({ [column]: 1 });
      await this.log(trx, leadId, staffId, `Marked as ${column}`);
    });
  }

  /**
   * Converts the lead to a customer: a new tblclients row, `client_id`, `date_converted` and the
   * `isdefault` status. PERFEX.md lists no hook for it, so none fires (not even
   * `lead_status_changed`, though the status moves): the module reconciles it. Returns the client id.
   */
  async convert(leadId: number, staffId = 0): Promise<number> {
    const row = await this.getRow(leadId);
    if (row.date_converted) throw ValidationError.field('id', `lead ${leadId} is already a customer`);
    if (row.junk === 1) throw ValidationError.field('junk', `lead ${leadId} is junk`);
    const status = await this.customerStatus();
    const now = this.wallClock();
    return this.db.transaction(async (trx) => {
      const [clientId] = await trx(this.t('clients')).insert({
        company: row.company || row.name,
        active: 1,
        datecreated: now,
      });
      await trx(this.t('leads'))
        .where('id', leadId)
        .update({
          client_id: clientId,
          date_converted: now,
          status,
          last_status_change: row.status === status ? row.last_status_change : now,
          lost: 0,
        });
      await this.log(trx, leadId, staffId, 'Converted to customer', { client_id: clientId });
      return clientId as number;
    });
  }

  /** Deletes the lead and its activity log between `before_lead_deleted` and `after_lead_deleted`. */
  async delete(leadId: number): Promise<void> {
    await this.getRow(leadId);
    await this.hooks.fire('before_lead_deleted', leadId);
    await this.db.transaction(async (trx) => {
      await trx(this.t('lead_activity_log')).where('leadid', leadId).delete();
      await trx(this.t('leads')).where('id', leadId).delete();
    });
    await this.hooks.fire('after_lead_deleted', leadId);
  }

  /**
   * Sets columns of leads straight in tblleads, as an import, another module or a SQL script
   * does: no hook, and no `last_status_change` or `dateassigned` either (nothing but the
   * columns given changes). What the module must catch up with by reconciling.
   */
  async writeWithoutHooks(raw: unknown): Promise<number> {
    const { ids, ...columns } = parseInput(DirectWriteSchema, raw);
    await this.checkReferences(columns);
    const found: number[] = await this.db(this.t('leads')).whereIn('id', ids).pluck('id');
    const missing = ids.filter((x) => !found.includes(x));
    if (missing.length) throw ValidationError.field('ids', `leads ${missing.join(', ')} do not exist`);
    return this.db(this.t('leads')).whereIn('id', ids).update(columns);
  }
}

/** Whether the form's value is what the row holds (`lead_value` is a decimal string, text may be NULL). */
function sameValue(row: PerfexLeadRow, key: Editable, given: string | number): boolean {
  const current = row[key];
  if (key === 'lead_value') return current !== null && Number(current) === Number(given);
  if (current === null) return given === '';
  return String(current) === String(given);
}
