import type { Knex } from 'knex';
import { refreshUrgency } from '../../src/store/urgency-repository';
import { utcToSql } from '../../src/store/datetime';
import { insertStaff } from './host-fixtures';

/**
 * A hand-computable SLA picture for the dashboard and monitor tests, written straight into the
 * host's and the module's tables (no hooks, no scan), so every number is fixed by this file.
 * "Now" is Tuesday 2026-03-31 10:00 UTC = 12:00 in Berlin, two days after the DST change.
 */
export const NOW = new Date('2026-03-31T10:00:00Z');
const H = 3_600_000;
export const ago = (ms: number): Date => new Date(NOW.getTime() - ms);
export const ahead = (ms: number): Date => new Date(NOW.getTime() + ms);
export { H };

export interface Picture {
  departments: { support: number; sales: number; billing: number };
  staff: { alice: number; bob: number };
  policyId: number;
}

interface ClockFixture {
  metric: 'first_response' | 'next_response' | 'resolution';
  state: 'on_track' | 'at_risk' | 'breached' | 'paused' | 'met';
  due: Date;
  warn?: Date;
  met?: Date;
  breached?: Date;
  ended?: Date;
  cycle?: number;
}

interface TicketFixture {
  id: number;
  subject: string;
  department: number;
  assigned?: number;
  userid?: number;
  priority?: number;
  status?: number;
  policyId?: number | null;
  mergedInto?: number | null;
  deleted?: boolean;
  clocks?: ClockFixture[];
}

export async function insertTicket(db: Knex, f: TicketFixture): Promise<void> {
  await db('tbltickets').insert({
    ticketid: f.id,
    subject: f.subject,
    message: 'm',
    department: f.department,
    priority: f.priority ?? 2,
    status: f.status ?? 1,
    assigned: f.assigned ?? 0,
    userid: f.userid ?? 0,
    date: '2026-03-01 09:00:00',
    ticketkey: `k${f.id}`,
    merged_ticket_id: f.mergedInto ?? null,
  });
  const ts = utcToSql(ago(60 * 24 * H));
  await db('tblsla_vigil_subjects').insert({
    subject_type: 'ticket',
    subject_id: f.id,
    status: f.status ?? 1,
    priority: f.priority ?? 2,
    department: f.department,
    assigned: f.assigned ?? 0,
    userid: f.userid ?? 0,
    service: null,
    merged_into: f.mergedInto ?? null,
    deleted: f.deleted ?? false,
    policy_id: f.policyId === undefined ? null : f.policyId,
    sla_state: 'on_track',
    // Far ahead of any config version, so no scan would recompute these hand-made clocks.
    computed_version: 1_000_000,
    created_at: ts,
    updated_at: ts,
  });
  for (const c of f.clocks ?? []) {
    await db('tblsla_vigil_clocks').insert({
      subject_type: 'ticket',
      subject_id: f.id,
      metric: c.metric,
      cycle: c.cycle ?? 1,
      policy_id: f.policyId ?? null,
      target_minutes: 60,
      started_at: utcToSql(ago(30 * 24 * H)),
      due_at: utcToSql(c.due),
      warn_at: utcToSql(c.warn ?? new Date(c.due.getTime() - H)),
      paused_minutes: 0,
      met_at: c.met ? utcToSql(c.met) : null,
      breached_at: c.breached ? utcToSql(c.breached) : null,
      ended_at: c.ended ? utcToSql(c.ended) : null,
      state: c.state,
      next_check_at: null,
      updated_at: ts,
    });
  }
  // The subject row's urgency, as the module writes it after writing clocks.
  await refreshUrgency(db, 'tbl', 'ticket', [f.id]);
}

/**
 * Open: #1 #2 (Alice, Support, overdue; #2's stored state is stale but its due time has passed),
 * #3 (Bob, Sales, at risk), #4 (unassigned, Sales, on track), #5 (Bob, Billing, paused),
 * #6 #7 (no policy), #8 (Bob, Sales, overdue for a day). Not open: #9 closed, #10 merged,
 * #11 deleted (each with a breached running clock that must not count), #12 closed and on time.
 */
export async function insertPicture(db: Knex, policyId: number): Promise<Picture> {
  const [support] = await db('tbldepartments').insert({ name: 'Support' });
  const [sales] = await db('tbldepartments').insert({ name: 'Sales' });
  const [billing] = await db('tbldepartments').insert({ name: 'Billing' });
  const alice = await insertStaff(db, 'alice.agent@x.test', 'pw123456');
  const bob = await insertStaff(db, 'bob.agent@x.test', 'pw123456');
  const [client] = await db('tblclients').insert({
    company: 'ACME <b>bold</b>',
    datecreated: '2026-01-01 00:00:00',
  });
  const p = policyId;
  const tickets: TicketFixture[] = [
    {
      id: 1,
      subject: 'Server down',
      department: support,
      assigned: alice,
      policyId: p,
      clocks: [
        { metric: 'first_response', state: 'met', due: ago(9 * 24 * H), met: ago(10 * 24 * H) },
        { metric: 'resolution', state: 'breached', due: ago(2 * H), breached: ago(2 * H) },
      ],
    },
    {
      id: 2,
      subject: 'Login fails',
      department: support,
      assigned: alice,
      policyId: p,
      clocks: [{ metric: 'first_response', state: 'on_track', due: ago(0.5 * H) }],
    },
    {
      id: 3,
      subject: 'Printer broken',
      department: sales,
      assigned: bob,
      userid: client,
      priority: 3,
      policyId: p,
      clocks: [
        { metric: 'first_response', state: 'met', due: ago(47 * H), met: ago(48 * H) },
        { metric: 'resolution', state: 'at_risk', due: ahead((50 / 60) * H), warn: ago((10 / 60) * H) },
      ],
    },
    {
      id: 4,
      subject: 'Quote request',
      department: sales,
      policyId: p,
      clocks: [
        { metric: 'first_response', state: 'met', due: ago(71 * H), met: ago(72 * H) },
        { metric: 'resolution', state: 'on_track', due: ahead(2 * H) },
      ],
    },
    {
      id: 5,
      subject: 'Invoice question',
      department: billing,
      assigned: bob,
      status: 4,
      policyId: p,
      clocks: [
        {
          metric: 'next_response',
          state: 'breached',
          due: ago(6 * 24 * H),
          breached: ago(6 * 24 * H),
          ended: ago(5 * 24 * H),
        },
        { metric: 'resolution', state: 'paused', due: ahead(1 * H) },
      ],
    },
    { id: 6, subject: 'No policy here', department: support, assigned: alice },
    { id: 7, subject: 'Another blind spot', department: billing, assigned: bob },
    {
      id: 8,
      subject: 'Refund overdue',
      department: sales,
      assigned: bob,
      policyId: p,
      clocks: [
        {
          metric: 'first_response',
          state: 'breached',
          due: ago(41 * 24 * H),
          breached: ago(41 * 24 * H),
          met: ago(40 * 24 * H),
        },
        { metric: 'resolution', state: 'breached', due: ago(24 * H), breached: ago(24 * H) },
      ],
    },
    {
      id: 9,
      subject: 'Closed printer case',
      department: support,
      assigned: alice,
      status: 5,
      policyId: p,
      clocks: [
        { metric: 'first_response', state: 'breached', due: ago(4 * H), breached: ago(4 * H) },
        { metric: 'resolution', state: 'breached', due: ago(3 * H), breached: ago(3 * H), met: ago(1 * H) },
      ],
    },
    {
      id: 10,
      subject: 'Merged away',
      department: billing,
      assigned: alice,
      mergedInto: 1,
      policyId: p,
      clocks: [{ metric: 'resolution', state: 'breached', due: ago(1 * H), breached: ago(1 * H) }],
    },
    {
      id: 11,
      subject: 'Deleted one',
      department: support,
      assigned: alice,
      deleted: true,
      policyId: p,
      clocks: [
        { metric: 'resolution', state: 'breached', due: ago(50 * 24 * H), breached: ago(50 * 24 * H) },
      ],
    },
    {
      id: 12,
      subject: 'Night owl',
      department: billing,
      status: 5,
      policyId: p,
      clocks: [
        // 2026-03-28 23:30 UTC is 00:30 on Sunday the 29th in Berlin (still CET, +1).
        { metric: 'first_response', state: 'met', due: ahead(H), met: new Date('2026-03-28T23:30:00Z') },
        // 2026-03-30 22:30 UTC is 00:30 on the 31st in Berlin (CEST, +2 since the 29th).
        { metric: 'resolution', state: 'met', due: ahead(H), met: new Date('2026-03-30T22:30:00Z') },
      ],
    },
  ];
  for (const ticket of tickets) await insertTicket(db, ticket);
  await db('tblsla_vigil_escalations').insert([
    escalation(1, 'resolution', 1, p, ago(1.5 * H), 'notify_assignee', 'notified'),
    escalation(8, 'resolution', 2, p, ago(20 * H), 'raise_priority', 'priority_raised'),
  ]);
  return { departments: { support, sales, billing }, staff: { alice, bob }, policyId: p };
}

function escalation(
  subjectId: number,
  metric: string,
  level: number,
  policyId: number,
  firedAt: Date,
  actionType: string,
  outcome: string,
) {
  return {
    subject_type: 'ticket',
    subject_id: subjectId,
    metric,
    cycle: 1,
    policy_id: policyId,
    level,
    level_key: `k${level}`,
    trigger_type: 'at_due',
    trigger_minutes: null,
    action_type: actionType,
    fire_at: utcToSql(firedAt),
    fired_at: utcToSql(firedAt),
    outcome,
    details: null,
  };
}

/** A calendar and a policy for every ticket, imported as an admin would (audited at `at`). */
export function slaConfig() {
  return {
    calendars: [
      {
        key: 'berlin',
        name: 'Berlin office',
        timezone: 'Europe/Berlin',
        week: { mon: [['09:00', '17:00']] },
        holidays: [],
      },
    ],
    policies: [
      {
        key: 'standard',
        name: 'Standard <i>SLA</i>',
        calendar: 'berlin',
        targets: { resolution: { minutes: 480 } },
        escalations: [],
      },
    ],
  };
}
