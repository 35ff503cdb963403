import type { Knex } from 'knex';
import type { LeadGateway } from '../src/host/lead-gateway';
import { time, type Timed } from './bench-host';
import { benchLeadRow, type BenchLeadPipeline } from './lead-mix';

/**
 * A sales pipeline beside the default "Customer" status (PERFEX.md "Leads": a fresh install has
 * only that one; a team adds its own): four working statuses, one that waits on the customer,
 * and the markets Germany, United States and India from `tblcountries`.
 */
export async function seedLeadPipeline(db: Knex, staff: readonly number[]): Promise<BenchLeadPipeline> {
  const status = async (name: string, order: number): Promise<number> => {
    const [id] = await db('tblleads_status').insert({ name, statusorder: order, color: '#2563eb' });
    return id;
  };
  const countries: { country_id: number }[] = await db('tblcountries')
    .whereIn('iso2', ['DE', 'US', 'IN'])
    .orderBy('country_id')
    .select('country_id');
  if (countries.length !== 3) throw new Error('tblcountries lacks DE, US or IN');
  const customer = await db('tblleads_status').where('isdefault', 1).first('id');
  if (!customer) throw new Error('tblleads_status has no Customer status');
  return {
    statuses: {
      new: await status('New', 1),
      contacted: await status('Contacted', 2),
      qualified: await status('Qualified', 3),
      proposal: await status('Proposal', 4),
      waiting: await status('Waiting on customer', 5),
      customer: customer.id,
    },
    sources: [1, 2],
    countries: [...countries.map((c) => c.country_id), 0],
    staff,
  };
}

/** `n` leads (the mix of lead-mix.ts) straight into `tblleads`, 5 000 rows per statement, no hooks. */
export async function loadLeads(
  db: Knex,
  n: number,
  pipeline: BenchLeadPipeline,
  span: { from: Date; to: Date },
): Promise<void> {
  for (let start = 0; start < n; start += 5000) {
    const rows = [];
    for (let i = start; i < Math.min(start + 5000, n); i++) rows.push(benchLeadRow(i, n, pipeline, span));
    await db('tblleads').insert(rows);
  }
}

/**
 * The benchmarks' lead policy (every lead, office hours): business minutes a lead may spend in
 * New, Contacted and Qualified (Proposal has no window), Waiting on customer pauses. With
 * `notify`, a two-level ladder on the status window like the tickets' (60 minutes before due,
 * then 60 after, each to that staff member).
 */
export function benchLeadPolicy(pipeline: BenchLeadPipeline, calendar: string, notify?: number) {
  const { statuses } = pipeline;
  const level = (type: 'before_due' | 'after_due') => ({
    metric: 'status_time' as const,
    trigger: { type, minutes: 60 },
    action: { type: 'notify_staff' as const, staffId: notify },
  });
  return {
    key: 'leads',
    name: 'Leads',
    subject: 'lead' as const,
    calendar,
    targets: {
      status_time: {
        byStatus: {
          [String(statuses.new)]: { minutes: 2400 },
          [String(statuses.contacted)]: { minutes: 4800 },
          [String(statuses.qualified)]: { minutes: 9600 },
        },
      },
    },
    pauseStatusIds: [statuses.waiting],
    escalations: notify === undefined ? [] : [level('before_due'), level('after_due')],
  };
}

/** The raw keyset read of every lead through the host gateway, batches of 1 000: what a lead reconcile must read. */
export function rawLeadRead(leads: LeadGateway): Promise<Timed<number>> {
  return time(async () => {
    let after = 0;
    let read = 0;
    for (;;) {
      const batch = await leads.listLeadsAfter(after, 1000);
      const size = batch.rows.length + batch.unreadable.length;
      if (size === 0) return read;
      read += size;
      after = Math.max(...batch.rows.map((r) => r.id), ...batch.unreadable.map((r) => r.id));
    }
  });
}
