import type { Knex } from 'knex';
import type { HostStaff } from '../host/host-context';
import type { SubjectType } from '../sla/config/subject-types';
import type { DeliveryMode } from '../sla/config';
import type { PolicyBook } from '../sla/policy/policy-book';
import type { EscalationRepository } from '../store/escalation-repository';
import type { AuditLog } from '../store/audit-log';
import type { NewOutboxRow, OutboxChannel, OutboxKind, OutboxRepository } from '../notify/outbox-repository';
import type { BellPayload } from '../notify/bell-sender';
import type { EscalationEmailInput, RenderedEmail } from '../notify/escalation-email';
import type { DueLevel, NoticeWrite } from './level-firer';
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
  render(staff: HostStaff, language: string): Promise<RenderedEmail>;
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
  email: RenderedEmail;
}

/**
 * Renders a fired notify level's emails (no lock held: rendering and the host reads behind the
 * recipients happen after the scan's transaction) and returns the write that records them.
 */
export async function composeNotice(
  notice: Notice,
  deps: NoticeDeps,
  book: PolicyBook,
  now: Date,
): Promise<NoticeWrite> {
  const rendered: RenderedFor[] = [];
  for (const staff of notice.recipients) {
    const language = languageCode(staff.defaultLanguage);
    rendered.push({ staff, language, email: await notice.render(staff, language) });
  }
  return {
    escalationId: notice.escalationId,
    subjectId: notice.subjectId,
    write: (trx) => recordNotice(notice, rendered, deps, book, now, trx),
  };
}

/**
 * Writes a composed notice's emails (and bell entries) to the outbox and its outcome to the
 * escalation log and the audit log, in the caller's transaction, while its escalation is still
 * `firing` (locked first: of two workers writing the same notice, the second finds it done and
 * writes nothing). The cooldown holds back an email to a recipient who got one about the same
 * subject within the window (logged as suppressed, never dropped); it is decided here, under the
 * lock, so two notices of one subject in one round see each other. Subject-kind neutral: ticket
 * and lead escalations both write their notices here. A level held to working hours gives each
 * recipient's row their next working moment as `notBefore` and records it per recipient
 * (`heldUntil`, staff id -> ISO instant) for the escalation history.
 */
async function recordNotice(
  notice: Notice,
  rendered: readonly RenderedFor[],
  deps: NoticeDeps,
  book: PolicyBook,
  now: Date,
  trx: Knex.Transaction,
): Promise<boolean> {
  if (!(await deps.escalations.lockFiring(notice.escalationId, trx))) return false;
  const rows: NewOutboxRow[] = [];
  const bellRows: NewOutboxRow[] = [];
  const suppressed: number[] = [];
  const heldUntil: Record<string, string> = {};
  const since = new Date(now.getTime() - book.settings.cooldownMinutes * 60_000);
  // Each channel keeps its own cooldown (a recent email does not silence the bell, nor back), and
  // so does each kind (an internal target's email never silences the customer SLA's).
  const recentOn = async (staff: HostStaff, channel: OutboxChannel): Promise<boolean> =>
    book.settings.cooldownMinutes > 0 &&
    (await deps.outbox.lastSentOrPending(
      staff.id,
      notice.subjectType,
      notice.subjectId,
      since,
      trx,
      channel,
      notice.kind,
    ));
  for (const { staff, language, email } of rendered) {
    const recent = await recentOn(staff, 'email');
    const opens = notice.deliver === 'working_hours' ? book.nextWorkingMomentOf(staff.id, now) : now;
    const held = opens.getTime() > now.getTime();
    if (held && !recent) heldUntil[String(staff.id)] = opens.toISOString();
    const row: NewOutboxRow = {
      kind: notice.kind ?? 'escalation',
      escalationId: notice.escalationId,
      subjectType: notice.subjectType,
      subjectId: notice.subjectId,
      recipientStaffId: staff.id,
      recipientEmail: staff.email,
      language,
      ...email,
      state: recent ? 'suppressed' : 'pending',
      createdAt: now,
      // Held to working hours: the email and the bell entry (copied from it below) wait alike.
      ...(held && { notBefore: opens }),
    };
    rows.push(row);
    if (recent) suppressed.push(staff.id);
    if (deps.channels.inApp) {
      // The bell shows the email's subject line: short, in the recipient's language.
      const payload: BellPayload = { link: notice.bellLink };
      bellRows.push({
        ...row,
        channel: 'in_app',
        recipientEmail: null,
        html: '',
        text: '',
        payload: JSON.stringify(payload),
        state: (await recentOn(staff, 'in_app')) ? 'suppressed' : 'pending',
      });
    }
  }
  await deps.outbox.insert([...rows, ...bellRows], trx);
  // Notified when anything goes out on any channel: a bell entry still reaches someone whose
  // email the cooldown held back (each channel keeps its own).
  const goesOut = [...rows, ...bellRows].some((r) => r.state === 'pending');
  const outcome = rows.length === 0 ? 'no_recipient' : goesOut ? 'notified' : 'suppressed';
  const recipients = rows.map((r) => r.recipientStaffId);
  const hold = Object.keys(heldUntil).length > 0 ? { heldUntil } : {};
  await deps.escalations.setOutcome(
    notice.escalationId,
    outcome,
    { ...notice.details, recipients, suppressed, ...hold },
    trx,
  );
  await deps.audit.write(
    {
      action: `escalation.${outcome}`,
      staffId: null,
      subjectType: notice.subjectType,
      subjectId: notice.subjectId,
      details: { ...notice.details, ...notice.auditDetails, recipients, suppressed, ...hold },
    },
    trx,
  );
  return true;
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
