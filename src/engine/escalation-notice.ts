import type { Knex } from 'knex';
import type { HostStaff } from '../host/host-context';
import type { SubjectType } from '../sla/config/subject-types';
import type { DeliveryMode } from '../sla/config';
import type { PolicyBook } from '../sla/policy/policy-book';
import type { EscalationOutcome, EscalationRepository } from '../store/escalation-repository';
import type { AuditEntry, AuditLog } from '../store/audit-log';
import {
  deliveryKey,
  type NewOutboxRow,
  type OutboxChannel,
  type OutboxKind,
  type OutboxRepository,
} from '../notify/outbox-repository';
import type { BellPayload } from '../notify/bell-sender';
import type { EscalationEmailInput, OutboxEmail } from '../notify/escalation-email';
import type { DueLevel } from './level-firer';
import { languageCode } from '../host/perfex/perfex-languages';

/** One fired notify level of one subject: who gets it and how each email reads. */
export interface Notice {
  escalationId: number;
  subjectType: SubjectType;
  subjectId: number;
  recipients: HostStaff[];
  /** Written into the escalation's details and the audit entry (policy, level, metric, ...). */
  details: Record<string, unknown>;
  /** Fields that read differently in the audit entry only (the ticket audit names the action by its type). */
  auditDetails?: Record<string, unknown>;
  /** `internal` for a level on a team's internal target: its cooldown is apart from the customer's. */
  kind?: Extract<OutboxKind, 'escalation' | 'internal'>;
  /** `working_hours`: each recipient's message waits for their next working moment. */
  deliver?: DeliveryMode;
  /** Where the host's bell entry leads, relative to the host admin (e.g. `tickets/ticket/12`). */
  bellLink: string;
  /** The email as the outbox keeps it (the module's own template as skeleton and values). */
  render(staff: HostStaff, language: string): Promise<OutboxEmail>;
}

/** The channels a notice goes out on besides email. */
export interface NoticeChannels {
  /** An entry in the host's notification bell per recipient (the host offers one). */
  inApp: boolean;
}

/** What recording a notice needs: the outbox, the escalation and audit logs, the channels. */
export interface NoticeDeps {
  outbox: OutboxRepository;
  escalations: EscalationRepository;
  audit: AuditLog;
  channels: NoticeChannels;
}

/** One recipient's rendered email, made before any transaction opens. */
interface RenderedFor {
  staff: HostStaff;
  language: string;
  email: OutboxEmail;
}

/** A notice with every recipient's email rendered, ready to be recorded. */
export interface ComposedNotice {
  escalationId: number;
  subjectId: number;
  notice: Notice;
  rendered: readonly RenderedFor[];
}

/**
 * Renders a fired notify level's emails (no lock held: rendering and the host reads behind the
 * recipients happen after the scan's transaction).
 */
export async function composeNotice(notice: Notice): Promise<ComposedNotice> {
  const rendered: RenderedFor[] = [];
  // One email per person, whoever named them twice (a department member also named by id).
  const recipients = [...new Map(notice.recipients.map((s) => [s.id, s])).values()];
  for (const staff of recipients) {
    const language = languageCode(staff.defaultLanguage);
    rendered.push({ staff, language, email: await notice.render(staff, language) });
  }
  return { escalationId: notice.escalationId, subjectId: notice.subjectId, notice, rendered };
}

/**
 * Writes composed notices' emails (and bell entries) to the outbox and their outcomes to the
 * escalation log and the audit log, in the caller's transaction and in a few statements for the
 * whole batch, for the escalations still `firing` (locked first: of two workers writing the same
 * notice, the second finds it done and writes nothing). Returns how many it wrote.
 * The cooldown holds back a message to a recipient who got one about the same subject on the same
 * channel (and of the same kind: an internal target's never silences the customer SLA's) within
 * the window: logged as suppressed, never dropped; decided under the lock, in order, so notices of
 * one subject in one batch see each other. Subject-kind neutral: ticket and lead escalations both
 * write their notices here. A level held to working hours gives each recipient's row their next
 * working moment as `notBefore` and records it per recipient (`heldUntil`, staff id -> ISO
 * instant) for the escalation history.
 */
export async function recordNotices(
  composed: readonly ComposedNotice[],
  deps: NoticeDeps,
  book: PolicyBook,
  now: Date,
  trx: Knex.Transaction,
): Promise<number> {
  await deps.escalations.lockSubjects(
    composed.map((c) => c.subjectId),
    trx,
  );
  const live = await deps.escalations.lockFiringMany(
    composed.map((c) => c.escalationId),
    trx,
  );
  const notices = composed.filter((c) => live.delete(c.escalationId));
  if (notices.length === 0) return 0;
  const cooldown = book.settings.cooldownMinutes > 0;
  const since = new Date(now.getTime() - book.settings.cooldownMinutes * 60_000);
  const recent = new Set<string>();
  if (cooldown) {
    for (const type of new Set(notices.map((c) => c.notice.subjectType))) {
      const ofType = notices.filter((c) => c.notice.subjectType === type);
      const keys = await deps.outbox.recentDeliveries(
        type,
        ofType.map((c) => c.subjectId),
        ofType.flatMap((c) => c.rendered.map((r) => r.staff.id)),
        since,
        trx,
      );
      for (const key of keys) recent.add(`${type}|${key}`);
    }
  }
  const outboxRows: NewOutboxRow[] = [];
  const outcomes: { id: number; outcome: EscalationOutcome; details: Record<string, unknown> }[] = [];
  const audits: AuditEntry[] = [];
  for (const { notice, rendered } of notices) {
    const kind = notice.kind ?? 'escalation';
    // Each channel keeps its own cooldown (a recent email does not silence the bell, nor back);
    // a message decided pending here counts for the notices after it.
    const take = (staff: HostStaff, channel: OutboxChannel): boolean => {
      const key = `${notice.subjectType}|${deliveryKey(staff.id, notice.subjectId, channel, kind)}`;
      if (cooldown && recent.has(key)) return false;
      recent.add(key);
      return true;
    };
    const rows: NewOutboxRow[] = [];
    const bellRows: NewOutboxRow[] = [];
    const suppressed: number[] = [];
    const heldUntil: Record<string, string> = {};
    for (const { staff, language, email } of rendered) {
      const goes = take(staff, 'email');
      const opens = notice.deliver === 'working_hours' ? book.nextWorkingMomentOf(staff.id, now) : now;
      const held = opens.getTime() > now.getTime();
      if (held && goes) heldUntil[String(staff.id)] = opens.toISOString();
      const row: NewOutboxRow = {
        kind,
        escalationId: notice.escalationId,
        subjectType: notice.subjectType,
        subjectId: notice.subjectId,
        recipientStaffId: staff.id,
        recipientEmail: staff.email,
        language,
        ...('skeleton' in email
          ? {
              subject: email.subject,
              html: '',
              text: '',
              skeleton: { stored: email.skeleton, values: email.values },
            }
          : email),
        state: goes ? 'pending' : 'suppressed',
        createdAt: now,
        // Held to working hours: the email and the bell entry (copied from it below) wait alike.
        ...(held && { notBefore: opens }),
      };
      rows.push(row);
      if (!goes) suppressed.push(staff.id);
      if (deps.channels.inApp) {
        // The bell shows the email's subject line: short, in the recipient's language.
        const payload: BellPayload = { link: notice.bellLink };
        bellRows.push({
          ...row,
          channel: 'in_app',
          recipientEmail: null,
          html: '',
          text: '',
          skeleton: undefined,
          payload: JSON.stringify(payload),
          state: take(staff, 'in_app') ? 'pending' : 'suppressed',
        });
      }
    }
    outboxRows.push(...rows, ...bellRows);
    // Notified when anything goes out on any channel: a bell entry still reaches someone whose
    // email the cooldown held back (each channel keeps its own).
    const goesOut = [...rows, ...bellRows].some((r) => r.state === 'pending');
    const outcome = rows.length === 0 ? 'no_recipient' : goesOut ? 'notified' : 'suppressed';
    const recipients = rows.map((r) => r.recipientStaffId);
    const hold = Object.keys(heldUntil).length > 0 ? { heldUntil } : {};
    outcomes.push({
      id: notice.escalationId,
      outcome,
      details: { ...notice.details, recipients, suppressed, ...hold },
    });
    audits.push({
      action: `escalation.${outcome}`,
      staffId: null,
      subjectType: notice.subjectType,
      subjectId: notice.subjectId,
      details: { ...notice.details, ...notice.auditDetails, recipients, suppressed, ...hold },
    });
  }
  for (const slice of bySize(outboxRows)) await deps.outbox.insert(slice, trx);
  await deps.escalations.setOutcomes(outcomes, trx);
  await deps.audit.writeMany(audits, trx);
  return notices.length;
}

/** Rows per outbox INSERT at most, and the body characters one INSERT carries at most. */
const SLICE_ROWS = 500;
const SLICE_CHARS = 500_000;

/**
 * The rows in slices for one INSERT each: a skeleton email's row is a few hundred bytes, a
 * host-edited template's a few kilobytes, and one statement must stay well under the server's
 * packet limit (16 MB by default, 4 MB on older servers).
 */
function bySize(rows: readonly NewOutboxRow[]): NewOutboxRow[][] {
  const slices: NewOutboxRow[][] = [];
  let slice: NewOutboxRow[] = [];
  let chars = 0;
  for (const row of rows) {
    const size =
      row.subject.length +
      row.html.length +
      row.text.length +
      (row.payload?.length ?? 0) +
      (row.skeleton?.values.reduce((n, v) => n + v.length, 0) ?? 0);
    if (slice.length > 0 && (slice.length >= SLICE_ROWS || chars + size > SLICE_CHARS)) {
      slices.push(slice);
      slice = [];
      chars = 0;
    }
    slice.push(row);
    chars += size;
  }
  if (slice.length > 0) slices.push(slice);
  return slices;
}

/** A staff member an email can reach: known, active, with an address. */
export function reachable(s: HostStaff | undefined): s is HostStaff {
  return s !== undefined && s.active && s.email !== '';
}

/**
 * The zone an escalation email gives its times in: the policy calendar's, else the host's own (a
 * round-the-clock policy has no zone of its own, and its readers work in the host's).
 */
export function noticeZone(calendar: string | null, book: PolicyBook, hostZone: string): string {
  return (calendar ? book.timezones.get(calendar) : undefined) ?? hostZone;
}

/**
 * The part of an escalation email that is the fired level's, the same for tickets and leads: the
 * metric (and the status a status_time clock timed), the level, its trigger, the due time in the
 * notice's zone, and the links to the subject and its SLA tab.
 */
export function levelEmailFields(
  d: DueLevel,
  statusNames: ReadonlyMap<number, string>,
  zone: string,
  now: Date,
  subjectUrl: string,
  recipient: HostStaff,
): Pick<
  EscalationEmailInput,
  | 'metric'
  | 'statusName'
  | 'internal'
  | 'level'
  | 'triggerType'
  | 'dueAt'
  | 'zone'
  | 'now'
  | 'ticketUrl'
  | 'slaUrl'
  | 'recipientName'
> {
  return {
    metric: d.clock.metric,
    ...(d.clock.status === undefined
      ? {}
      : { statusName: statusNames.get(d.clock.status) ?? `#${d.clock.status}` }),
    ...(d.level.scope === 'internal' ? { internal: true } : {}),
    level: d.level.level,
    triggerType: d.level.trigger.type,
    dueAt: d.clock.dueAt,
    zone,
    now,
    ticketUrl: subjectUrl,
    slaUrl: `${subjectUrl}#sla_vigil`,
    recipientName: `${recipient.firstname} ${recipient.lastname}`.trim(),
  };
}
