import type { TFunction } from 'i18next';
import type { PolicyBook } from '../sla/policy/policy-book';
import type { CalendarLike } from '../sla/calendar';
import type { NameBook } from './view-helpers';
import { utcFromSql } from '../store/datetime';
import { explainPhrases } from './explain-phrases';
import { liveState, type LiveState } from '../sla/clocks/live-state';
import { businessMinutesBetween } from '../sla/calendar/business-time';
import { CLOCK_METRICS } from '../sla/config/sla-config-schema';
import { isOwnerDepartmentAction, OWNER_DEPARTMENT_ACTION } from '../sla/escalation/owner-department';
import { timeLeftText } from './ticket-widgets';

/**
 * What the SLA tabs of the host's pages (the ticket's, the lead's) share: clock rows with their
 * countdown and business time left, clock names, the escalation history in words, and the
 * timeline's policy names. Each tab adds its own subject's rules (which policy applies and why,
 * what a pause status holds) and renders views/partials/sla-panel.ejs.
 */

/** One row of a subject's escalation history, as the panel shows it. */
export interface EscalationEntry {
  level: number;
  policyId: number;
  /** Set when the ticket's history has levels of several policies (it changed policy). */
  policyName: string | null;
  metric: string;
  cycle: number;
  /** "First response", "Next response #2", "Time in On Hold": the clock it fired on. */
  label: string;
  action: string;
  actionLabel: string;
  firedAt: Date;
  outcome: string;
  outcomeLabel: string;
  /**
   * Why a level never fired (skipped when its ladder was saved), or who it reached instead of an
   * absent assignee (the fallback), worded; null otherwise.
   */
  reason: string | null;
}

/** A clock as the subject's SLA read gives it (ticket or lead JSON). */
export interface PanelSourceClock {
  /** `internal` on a team's internal clock (OLA). */
  scope?: 'internal';
  metric: string;
  cycle: number;
  status?: number;
  state: string;
  dueAt: string | null;
  warnAt: string | null;
  metAt: string | null;
  pausedMinutes: number;
  explain: string[];
}

/** A clock row of the panel: the service's clock plus what the viewer reads at `now`. */
export interface PanelClock {
  /** `customer` (the SLA) or `internal` (a team's own target, labelled "Internal (team)"). */
  scope: 'customer' | 'internal';
  metric: string;
  cycle: number;
  /** "Next response #2", "Time in In progress": the clock's name for people. */
  label: string;
  state: string;
  /** Null for a cycle that is not due (its calendar does not open). */
  dueAt: string | null;
  pausedMinutes: number;
  explain: string[];
  running: boolean;
  /** Time left / overdue / paused, server-rendered; countdown.js keeps it current. */
  countdown: { state: LiveState; text: string } | null;
  /**
   * "4 business hours left" while a clock on a calendar runs before its due time: the business
   * time left, which a wall-clock countdown would overstate over nights and weekends. Null when
   * the live countdown says it (around the clock, overdue) or nothing runs.
   */
  businessLeft: string | null;
  /** The clock's current pause reason, "On Hold": the status the ticket sits in now. */
  pausedNow: string | null;
}

/**
 * The panel's clock rows in the order they happen. `pausedNow` names the status a running clock
 * stands still in now ("On Hold"), or null: which clocks a pause status holds is the subject's rule.
 */
export function panelClocks(
  sla: { clocks: readonly PanelSourceClock[] },
  calendar: CalendarLike | null,
  ended: ReadonlySet<string>,
  label: ClockLabel,
  pausedNow: (metric: string) => string | null,
  t: TFunction,
  lang: string,
  now: Date,
  /** The name of the team whose internal targets the subject's internal clocks run on. */
  internalTeam: string | null = null,
): PanelClock[] {
  return inTheOrderTheyHappen(sla.clocks).map((c) => {
    // A cycle that ended unmet (closed unanswered, merged) stays breached on record but is over.
    const running = c.metAt === null && !ended.has(endedKey(c));
    const dueAt = c.dueAt === null ? null : new Date(c.dueAt);
    // A cycle that is not due has no countdown.
    const state =
      running && dueAt && c.warnAt ? liveState({ ...c, dueAt, warnAt: new Date(c.warnAt) }, now) : null;
    const name = label(c.metric, c.cycle);
    return {
      scope: c.scope ?? 'customer',
      metric: c.metric,
      cycle: c.cycle,
      // Beside the customer's clock of the same metric: "Internal (Tier 1): Resolution".
      label:
        c.scope === 'internal'
          ? t('panel.internal_clock', { team: internalTeam ?? '—', metric: name })
          : name,
      state: c.state,
      dueAt: c.dueAt,
      pausedMinutes: c.pausedMinutes,
      explain: c.explain,
      running,
      countdown: state && dueAt ? { state, text: timeLeftText(t, state, dueAt, now) } : null,
      businessLeft:
        state && dueAt && calendar
          ? businessTimeLeft(t, lang, calendar, dueAt, now, state === 'paused')
          : null,
      pausedNow: running ? pausedNow(c.metric) : null,
    };
  });
}

/** Which clock an ended stored row is: scope, metric and cycle (internal and customer cycles share numbers). */
export function endedKey(c: { scope?: string; metric: string; cycle: number }): string {
  return `${c.scope ?? 'customer'}|${c.metric}|${c.cycle}`;
}

/**
 * "4 business hours left" on the policy's calendar, in the viewer's language; null once the due
 * time has passed (then the live countdown says how long overdue).
 */
export function businessTimeLeft(
  t: TFunction,
  lang: string,
  calendar: CalendarLike,
  dueAt: Date,
  now: Date,
  paused = false,
): string | null {
  if (dueAt.getTime() <= now.getTime()) return null;
  // Rounded up, as the countdown rounds: never "0 min left" before the due time. While paused
  // the due time is "now plus what is left", so this is the time left when the clock resumes.
  const minutes = Math.ceil(businessMinutesBetween(calendar, now, dueAt));
  const duration = explainPhrases(t, lang).duration(minutes, true);
  return t(paused ? 'column.left_paused' : 'column.left', { duration });
}

/** A clock's name for people, from its metric and cycle. */
export type ClockLabel = (metric: string, cycle: number) => string;

/**
 * Names clocks: "Next response #2" once a metric repeats; a status_time clock by its status,
 * "Time in In progress", and "#2" from its second stay in that status on (its cycle counts the
 * ticket's status visits, which mean nothing to a reader).
 */
export function clockLabels(
  t: TFunction,
  names: NameBook,
  clocks: readonly { metric: string; cycle: number; status?: number }[],
): ClockLabel {
  const statusOf = new Map<number, number>();
  for (const c of clocks)
    if (c.metric === 'status_time' && c.status !== undefined) statusOf.set(c.cycle, c.status);
  const visits = [...statusOf.keys()].sort((a, b) => a - b);
  return (metric, cycle) => {
    const status = metric === 'status_time' ? statusOf.get(cycle) : undefined;
    if (status === undefined) {
      const name = t(`metrics.${metric}`, { defaultValue: metric });
      return cycle > 1 && metric !== 'status_time' ? `${name} #${cycle}` : name;
    }
    const name = t('metrics.status_time_in', { status: names.status.get(String(status)) ?? `#${status}` });
    const stay = visits.filter((v) => v <= cycle && statusOf.get(v) === status).length;
    return stay > 1 ? `${name} #${stay}` : name;
  };
}

/**
 * First response, next response (each cycle), resolution: the order a ticket lives them, whatever
 * order the service lists them in, then the status limits in the order of the stays. A metric a
 * later version adds goes last.
 */
function inTheOrderTheyHappen<C extends { metric: string; cycle: number }>(clocks: readonly C[]): C[] {
  const rank = (metric: string): number => {
    const i = (CLOCK_METRICS as readonly string[]).indexOf(metric);
    return i === -1 ? CLOCK_METRICS.length : i;
  };
  const internal = (c: C): number => ((c as { scope?: string }).scope === 'internal' ? 1 : 0);
  // A team's internal clock right after the customer's clock of the same metric and cycle.
  return [...clocks].sort(
    (a, b) => rank(a.metric) - rank(b.metric) || a.cycle - b.cycle || internal(a) - internal(b),
  );
}

/** How the history names people and gives times in their own zone (for on-call and hold notes). */
export interface EntryWords {
  staffName(id: number): string;
  /** A time in the staff member's own zone (their schedule's), else the host's. */
  timeFor(at: Date, staffId: number): string;
}

export function toEntry(
  row: Record<string, unknown>,
  label: ClockLabel,
  t: TFunction,
  words?: EntryWords,
): EscalationEntry {
  const action = String(row.action_type);
  // A lead's notify_department with no department named went to the owner's departments.
  const named =
    action === 'notify_department' && ownerDepartment(row.details) ? OWNER_DEPARTMENT_ACTION : action;
  const outcome = String(row.outcome);
  return {
    level: Number(row.level),
    policyId: Number(row.policy_id),
    policyName: null,
    metric: String(row.metric),
    cycle: Number(row.cycle),
    label: label(String(row.metric), Number(row.cycle)),
    action,
    // An action or outcome a later version adds reads as its code rather than as nothing.
    actionLabel: t(`panel.actions.${named}`, { defaultValue: action }),
    firedAt: utcFromSql(row.fired_at as string),
    outcome,
    outcomeLabel: t(`panel.outcomes.${outcome}`, { defaultValue: outcome }),
    reason: joinNotes([
      outcome === 'skipped'
        ? skipReason(row.details, t)
        : outcome === 'no_recipient'
          ? (noRecipientReason(row.details, t) ?? fallbackNote(row.details, t))
          : fallbackNote(row.details, t),
      ...(words ? deliveryNotes(row.details, t, words) : []),
    ]),
  };
}

function joinNotes(notes: (string | null)[]): string | null {
  const given = notes.filter((n): n is string => !!n);
  return given.length ? given.join('; ') : null;
}

/**
 * Who an on-call level reached and why, and whose messages were held to their working hours until
 * when: "on call: Ben Anytime", "Ana Berlin: held until Mon 30 Mar 09:00 (outside working hours)".
 */
export function deliveryNotes(details: unknown, t: TFunction, words: EntryWords): string[] {
  let parsed: { onCall?: { onDuty?: unknown; notified?: unknown; reason?: unknown }; heldUntil?: unknown };
  try {
    parsed = JSON.parse(String(details)) as typeof parsed;
  } catch {
    return [];
  }
  const notes: string[] = [];
  const onCall = parsed.onCall;
  if (onCall && typeof onCall.reason === 'string' && /^[a-z_]+$/.test(onCall.reason)) {
    const name = (id: unknown) => (typeof id === 'number' ? words.staffName(id) : '—');
    notes.push(
      t(`panel.on_call.${onCall.reason}`, {
        onDuty: name(onCall.onDuty),
        notified: name(onCall.notified),
        defaultValue: onCall.reason,
      }),
    );
  }
  if (parsed.heldUntil && typeof parsed.heldUntil === 'object') {
    for (const [id, until] of Object.entries(parsed.heldUntil as Record<string, unknown>)) {
      const at = typeof until === 'string' ? new Date(until) : null;
      if (!at || Number.isNaN(at.getTime())) continue;
      notes.push(
        t('panel.held_until', { name: words.staffName(Number(id)), time: words.timeFor(at, Number(id)) }),
      );
    }
  }
  return notes;
}

/**
 * A ticket that changed policy climbs the new policy's ladder from level 1: with levels of more
 * than one policy in its history, each level names its policy, so "1, 2, 3, 1, 2" reads right.
 */
export function withLadderNames(entries: EscalationEntry[], book: PolicyBook): EscalationEntry[] {
  if (new Set(entries.map((e) => e.policyId)).size < 2) return entries;
  return entries.map((e) => ({ ...e, policyName: book.byId(e.policyId)?.name ?? `#${e.policyId}` }));
}

/** "No assignee: sent to the department's members" when a notify-assignee level used the fallback. */
function fallbackNote(details: unknown, t: TFunction): string | null {
  try {
    const fallback = (JSON.parse(String(details)) as { fallback?: { type?: unknown } }).fallback;
    return fallback?.type === 'department' || fallback?.type === 'staff'
      ? t(`panel.fallback.${fallback.type}`)
      : null;
  } catch {
    return null;
  }
}

/** Why a level reached nobody (an owner's-department level: no owner, no department, ...), in words. */
function noRecipientReason(details: unknown, t: TFunction): string | null {
  try {
    const reason = (JSON.parse(String(details)) as { reason?: unknown }).reason;
    // The audit's wording of the same reasons; a reason it has no words for is left out.
    return typeof reason === 'string' && /^[a-z_]+$/.test(reason)
      ? t(`audit.reasons.${reason}`, { defaultValue: '' }) || null
      : null;
  } catch {
    return null;
  }
}

function ownerDepartment(details: unknown): boolean {
  try {
    return isOwnerDepartmentAction((JSON.parse(String(details)) as { action?: unknown }).action);
  } catch {
    return false;
  }
}

function skipReason(details: unknown, t: TFunction): string | null {
  try {
    const reason = (JSON.parse(String(details)) as { reason?: unknown }).reason;
    return typeof reason === 'string' && /^[a-z_]+$/.test(reason)
      ? t(`panel.skip_reasons.${reason}`, { defaultValue: reason })
      : null;
  } catch {
    return null;
  }
}

/** The timeline names policies too ("Standard → VIP"), and "No policy" for none. */
export function withPolicyNames(names: NameBook, book: PolicyBook, t: TFunction): NameBook {
  const policy = new Map(book.policies.map((p): [string, string] => [String(p.id), p.name]));
  policy.set('null', t('states.no_policy'));
  return { ...names, policy };
}

export function formatPausedMinutes(t: TFunction, minutes: number): string {
  const rounded = Math.round(minutes);
  const h = Math.floor(rounded / 60);
  const m = rounded % 60;
  if (h === 0) return t('column.units.minutes', { count: m });
  return m === 0
    ? t('column.units.hours', { count: h })
    : `${t('column.units.hours', { count: h })} ${t('column.units.minutes', { count: m })}`;
}
