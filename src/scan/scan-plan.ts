import type { Knex } from 'knex';
import { createModuleServices, type ServiceHost } from '../wiring/module-services';
import { Scanner, type HostActionMode, type ScanResult } from './scanner';
import type { SubjectType } from '../sla/config/subject-types';

/**
 * Whose clock, escalation, email or action an entry is: every entry names its subject kind and
 * id; a ticket's also keeps `ticketId`, as plans had before leads.
 */
export type PlannedSubject = { subjectType: SubjectType; subjectId: number; ticketId?: number };

/** One clock whose state a scan would change (or create, or drop). */
export interface PlannedClockChange extends PlannedSubject {
  /** Only on a team's internal clock (absent = the customer's, as before OLAs). */
  scope?: 'internal';
  metric: string;
  cycle: number;
  from: string | null;
  to: string | null;
}

/** One escalation level a scan would fire, with the outcome it would record. */
export interface PlannedEscalation extends PlannedSubject {
  metric: string;
  cycle: number;
  level: number;
  action: string;
  outcome: string;
}

/** One email a scan would write to the outbox (`suppressed`: held back by the cooldown). */
export interface PlannedEmail extends PlannedSubject {
  metric: string;
  level: number;
  recipientStaffId: number;
  recipientEmail: string;
  language: string;
  state: string;
}

/** One bell entry or webhook post a scan would write to the outbox besides its emails. */
export interface PlannedNotification extends PlannedSubject {
  metric: string;
  level: number;
  channel: 'in_app' | 'webhook';
  /** The bell entry's recipient. */
  recipientStaffId?: number;
  /** The webhook's key. */
  webhook?: string;
  state: string;
}

/**
 * One host write a scan would perform (reassign, raise priority), with its decided values; where
 * the host pulls its actions (a paired Perfex), it stays `action_pending` for the host's cron.
 */
export interface PlannedAction extends PlannedSubject {
  metric: string;
  level: number;
  action: string;
  staffId?: number;
  departmentId?: number;
  priorityId?: number;
  outcome: string;
}

/** What a scan at `at` would do, found by running it and rolling it back. */
export interface ScanPlan {
  at: string;
  result: ScanResult;
  clocks: PlannedClockChange[];
  escalations: PlannedEscalation[];
  emails: PlannedEmail[];
  /** Bell entries and webhook posts (escalations' other channels). */
  notifications: PlannedNotification[];
  actions: PlannedAction[];
}

class RollBack extends Error {
  constructor(readonly plan: ScanPlan) {
    super('dry run: rolled back');
  }
}

/**
 * What `scan --once` at `now` would change and send, without writing anything: the real scan
 * runs inside one transaction (module and host tables alike; each service's own transactions
 * become savepoints of it), tickets and leads alike, with mail sending left out, and the
 * transaction is rolled back after the rows it created were read. Host actions are treated as the
 * real scan treats them (`hostActions`): performed, or left pending for a host that pulls them.
 * The host's own side effects outside its database (its hooks on reassign in a PHP host) are not
 * run: the standalone host writes its tables directly.
 */
export async function planScan(
  host: ServiceHost,
  now: Date,
  hostOver: (db: Knex) => Promise<Pick<ServiceHost, 'tickets' | 'leads'>>,
  hostActions: HostActionMode = 'perform',
): Promise<ScanPlan> {
  const table = (name: string) => `${host.tablePrefix}sla_vigil_${name}`;
  try {
    await host.db.transaction(async (trx) => {
      const before = await snapshot(trx, table);
      const services = createModuleServices({ ...host, db: trx, ...(await hostOver(trx)) }, { hostActions });
      // The real scan's steps without the mail sender, so nothing leaves the machine; host actions
      // are performed after reading what each one decided (performing overwrites that record).
      const scanner = new Scanner(
        services.reconciler,
        services.clocks,
        host.logger,
        undefined,
        undefined,
        services.heartbeats,
        services.hostProblems,
        hostActions,
        services.leads.scan,
      );
      const result = await scanner.run(now);
      const decided = await pendingActions(trx, table);
      if (hostActions === 'perform') {
        result.actions =
          (await services.escalator.performPendingActions(now)) +
          ((await services.leads.escalator?.performPendingActions(now)) ?? 0);
      }
      throw new RollBack({ at: now.toISOString(), result, ...(await changes(trx, table, before, decided)) });
    });
  } catch (err) {
    if (err instanceof RollBack) return err.plan;
    throw err;
  }
  throw new Error('dry run: the transaction was not rolled back');
}

interface Snapshot {
  clocks: Map<string, string>;
  lastEscalation: number;
  lastOutbox: number;
}

interface SubjectColumns {
  subject_type: SubjectType;
  subject_id: number;
}

const clockKey = (r: SubjectColumns & { scope: string; metric: string; cycle: number }) =>
  `${r.subject_type}|${r.subject_id}|${r.metric}|${r.cycle}|${r.scope}`;

/** `{ scope: 'internal' }` for an internal clock's entry; customer entries stay as they were. */
const scopeEntry = (scope: string): { scope?: 'internal' } => (scope === 'internal' ? { scope } : {});

const CLOCK_COLUMNS = ['subject_type', 'subject_id', 'scope', 'metric', 'cycle', 'state'] as const;

/** The entry's subject, from a row's columns (a ticket's keeps `ticketId`). */
function subjectOf(r: SubjectColumns): PlannedSubject {
  const subject = { subjectType: r.subject_type, subjectId: r.subject_id };
  return r.subject_type === 'ticket' ? { ...subject, ticketId: r.subject_id } : subject;
}

async function snapshot(trx: Knex.Transaction, table: (n: string) => string): Promise<Snapshot> {
  const clocks = await trx(table('clocks')).select(...CLOCK_COLUMNS);
  const [esc] = await trx(table('escalations')).max({ id: 'id' });
  const [out] = await trx(table('outbox')).max({ id: 'id' });
  return {
    clocks: new Map(clocks.map((r) => [clockKey(r), String(r.state)])),
    lastEscalation: Number(esc?.id ?? 0),
    lastOutbox: Number(out?.id ?? 0),
  };
}

/** Host actions waiting to be performed (this scan's and any an earlier one left), as decided. */
/** What the plan reads of an escalation row. */
const ESCALATION_COLUMNS = [
  'id',
  'subject_type',
  'subject_id',
  'metric',
  'cycle',
  'level',
  'action_type',
  'outcome',
  'details',
] as const;

async function pendingActions(trx: Knex.Transaction, table: (n: string) => string): Promise<EscalationRow[]> {
  return trx(table('escalations'))
    .whereIn('outcome', ['action_pending', 'action_running'])
    .orderBy('id')
    .select(...ESCALATION_COLUMNS);
}

async function changes(
  trx: Knex.Transaction,
  table: (n: string) => string,
  before: Snapshot,
  decided: readonly EscalationRow[],
): Promise<Omit<ScanPlan, 'at' | 'result'>> {
  const after = await trx(table('clocks')).select(...CLOCK_COLUMNS);
  const clocks: PlannedClockChange[] = [];
  const seen = new Set<string>();
  for (const r of after) {
    const key = clockKey(r);
    seen.add(key);
    const from = before.clocks.get(key) ?? null;
    if (from !== r.state) {
      clocks.push({
        ...subjectOf(r),
        ...scopeEntry(r.scope),
        metric: r.metric,
        cycle: r.cycle,
        from,
        to: String(r.state),
      });
    }
  }
  for (const [key, from] of before.clocks) {
    if (seen.has(key)) continue;
    const [type, id, metric, cycle, scope] = key.split('|');
    const subject = subjectOf({ subject_type: type as SubjectType, subject_id: Number(id) });
    clocks.push({ ...subject, ...scopeEntry(scope), metric, cycle: Number(cycle), from, to: null });
  }

  const fired: EscalationRow[] = await trx(table('escalations'))
    .where('id', '>', before.lastEscalation)
    .orWhereIn(
      'id',
      decided.map((d) => d.id),
    )
    .orderBy('id')
    .select(...ESCALATION_COLUMNS);
  const outcomes = new Map(fired.map((e) => [String(e.id), e.outcome]));
  const escalations = fired
    .filter((e) => Number(e.id) > before.lastEscalation)
    .map((e) => ({
      ...subjectOf(e),
      metric: e.metric,
      cycle: e.cycle,
      level: e.level,
      action: e.action_type,
      outcome: e.outcome,
    }));
  const actions = decided.map((e) => toAction(e, outcomes.get(String(e.id)) ?? e.outcome));

  // Every escalation row this scan wrote to the outbox, then split by channel.
  const written: OutboxRow[] = await trx(`${table('outbox')} as o`)
    .join(`${table('escalations')} as e`, 'e.id', 'o.escalation_id')
    .where('o.id', '>', before.lastOutbox)
    .orderBy('o.id')
    .select(
      'o.subject_type',
      'o.subject_id',
      'e.metric',
      'e.level',
      'o.channel',
      'o.recipient_staff_id',
      'o.recipient_email',
      'o.language',
      'o.target',
      'o.state',
    );
  const emails: PlannedEmail[] = [];
  const notifications: PlannedNotification[] = [];
  for (const r of written) {
    const entry = { ...subjectOf(r), metric: r.metric, level: r.level };
    if (r.channel === 'email')
      emails.push({
        ...entry,
        recipientStaffId: r.recipient_staff_id ?? 0,
        recipientEmail: r.recipient_email ?? '',
        language: r.language,
        state: r.state,
      });
    else
      notifications.push({
        ...entry,
        channel: r.channel,
        ...(r.channel === 'in_app'
          ? { recipientStaffId: r.recipient_staff_id ?? undefined }
          : { webhook: r.target ?? '' }),
        state: r.state,
      });
  }
  clocks.sort(
    (a, b) =>
      a.subjectType.localeCompare(b.subjectType) ||
      a.subjectId - b.subjectId ||
      (a.scope ?? '').localeCompare(b.scope ?? '') ||
      a.metric.localeCompare(b.metric) ||
      a.cycle - b.cycle,
  );
  return { clocks, escalations, emails, notifications, actions };
}

interface EscalationRow extends SubjectColumns {
  id: number | string;
  metric: string;
  cycle: number;
  level: number;
  action_type: string;
  outcome: string;
  details: string | null;
}

interface OutboxRow extends SubjectColumns {
  metric: string;
  level: number;
  channel: 'email' | 'in_app' | 'webhook';
  recipient_staff_id: number | null;
  recipient_email: string | null;
  language: string;
  target: string | null;
  state: string;
}

function toAction(e: EscalationRow, outcome: string): PlannedAction {
  const details = (e.details ? JSON.parse(e.details) : {}) as {
    action?: { staffId?: number; departmentId?: number };
    targetPriority?: number;
  };
  const planned: PlannedAction = {
    ...subjectOf(e),
    metric: e.metric,
    level: e.level,
    action: e.action_type,
    outcome,
  };
  if (e.action_type === 'reassign_staff') planned.staffId = details.action?.staffId;
  if (e.action_type === 'reassign_department') planned.departmentId = details.action?.departmentId;
  if (e.action_type === 'raise_priority') planned.priorityId = details.targetPriority;
  return planned;
}

/** The plan as lines a person reads: what would change, who would get which email, what the host would see. */
export function formatScanPlan(plan: ScanPlan): string {
  const r = plan.result;
  const lines = [
    `dry run at ${plan.at}: nothing was written, no email was sent`,
    `would read ${r.ticketsRead} tickets${r.leadsRead > 0 ? ` and ${r.leadsRead} leads` : ''}, ` +
      `record ${r.eventsRecorded} events, recompute ${r.recomputed} ${r.leadsRead > 0 ? 'tickets and leads' : 'tickets'}, ` +
      `advance ${r.advanced} clocks, fire ${r.escalated} escalations, perform ${r.actions} host actions, ` +
      `write ${plan.emails.length} emails${plan.notifications.length ? ` and ${plan.notifications.length} bell entries or webhook posts` : ''} (${r.failed} ${r.leadsRead > 0 ? 'tickets and leads' : 'tickets'} failed)`,
  ];
  const who = (s: PlannedSubject) => `${s.subjectType} ${s.subjectId}`;
  for (const c of plan.clocks)
    lines.push(
      `clock: ${who(c)} ${c.metric}${c.scope ? ' (internal)' : ''} cycle ${c.cycle}: ` +
        `${c.from ?? '(new)'} → ${c.to ?? '(removed)'}`,
    );
  for (const e of plan.escalations)
    lines.push(
      `escalation: ${who(e)} ${e.metric} cycle ${e.cycle} level ${e.level} (${e.action}): ${e.outcome}`,
    );
  for (const m of plan.emails)
    lines.push(
      `email: ${who(m)} ${m.metric} level ${m.level} to ${m.recipientEmail} (staff ${m.recipientStaffId}, ${m.language}): ` +
        (m.state === 'suppressed' ? 'held back by the cooldown' : 'would be sent'),
    );
  for (const n of plan.notifications) {
    const held = n.state === 'suppressed' ? 'held back by the cooldown' : null;
    lines.push(
      n.channel === 'in_app'
        ? `bell: ${who(n)} ${n.metric} level ${n.level} for staff ${n.recipientStaffId}: ${held ?? 'would be added'}`
        : `webhook: ${who(n)} ${n.metric} level ${n.level} to ${n.webhook}: ${held ?? 'would be posted'}`,
    );
  }
  for (const a of plan.actions) {
    const target =
      a.staffId !== undefined
        ? `staff ${a.staffId}`
        : a.departmentId !== undefined
          ? `department ${a.departmentId}`
          : `priority ${a.priorityId ?? '?'}`;
    lines.push(
      `host action: ${who(a)} ${a.metric} level ${a.level}: ${a.action} to ${target} (${a.outcome})`,
    );
  }
  return lines.join('\n');
}
