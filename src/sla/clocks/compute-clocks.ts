import { addBusinessMinutes, businessMinutesBetween, compileCalendar, type CalendarLike } from '../calendar';
import type {
  ClockMetric,
  ClockScope,
  InternalTargetConfig,
  Metric,
  StatusTimeConfig,
  TargetConfig,
} from '../config/sla-config-schema';
import { earliest, nextTriggerAfter, type LadderLevel } from '../escalation/ladder';
import type { ClockState, SlaEvent, StatusLifecycle } from './sla-event';
import { snapshotStatus, statusTimeCycles } from './status-time-cycles';

/** The parts of a policy the clocks depend on. */
export interface ClockPolicy {
  /** One target per targeted metric, and the status windows (`status_time.byStatus`). */
  targets: Partial<Record<Metric, TargetConfig>> & { status_time?: StatusTimeConfig };
  pauseStatusIds: readonly number[];
  /** Null = around the clock. */
  calendar: CalendarLike | null;
  /** The policy's escalation ladder: its firing moments are part of a clock's next check. */
  ladder?: readonly LadderLevel[];
  defaultWarnAtPercent: number;
  /** The host's initial and closed status ids. */
  statuses: StatusLifecycle;
  /**
   * Whether the pause statuses hold status windows (leads) rather than leave them alone (tickets,
   * where they pause resolution only); see status-time-cycles.ts.
   */
  pausesHoldStatusTime?: boolean;
  /** Whose promise these targets are: absent = the customer's; `internal` = a team's (internal-clocks.ts). */
  scope?: ClockScope;
  /** The policy's internal targets per team (tickets), in the policy's order. */
  internal?: readonly InternalTargetConfig[];
}

export interface PauseInterval {
  from: Date;
  /** Null while the pause goes on. */
  to: Date | null;
  status: number;
  /** Business minutes the pause moved the due time by (0 for a pause that began after due). */
  businessMinutes: number;
}

/** One clock: a metric's cycle, evaluated at `now`. */
export interface Clock {
  metric: ClockMetric;
  cycle: number;
  /** `internal` on a team's internal clock; absent on the customer's (the SLA). */
  scope?: 'internal';
  /** The status a status_time clock measures the stay in (absent on other metrics). */
  status?: number;
  startedAt: Date;
  dueAt: Date;
  warnAt: Date;
  pausedMinutes: number;
  metAt: Date | null;
  breachedAt: Date | null;
  state: Exclude<ClockState, 'no_policy'>;
  /** The next instant the state can change by itself (warning, due); null when only an event can change it. */
  nextCheckAt: Date | null;
  /** When an unmet cycle ended (ticket closed unanswered, or merged); it escalates no more. */
  endedAt: Date | null;
  /** Paused at `now` (a breached clock can be paused too: it then escalates no further). */
  pausedNow: boolean;
  targetMinutes: number;
  /**
   * Business minutes from start to met, less the time paused before due, on the calendar in
   * force when it was met (null while unmet): stored, so a later calendar edit cannot change
   * a finished clock's response time.
   */
  metMinutes: number | null;
  pauses: PauseInterval[];
}

const ALWAYS_OPEN: CalendarLike = { timezone: 'UTC' };

interface OpenCycle {
  metric: ClockMetric;
  cycle: number;
  status?: number;
  startedAt: Date;
  metAt: Date | null;
  /** Ended without being met (ticket closed unanswered, or merged). */
  stoppedAt: Date | null;
  pauses: { from: Date; to: Date | null; status: number }[];
}

/**
 * Replays a ticket's timeline under a policy and returns every clock cycle, evaluated at
 * `now`. Pure: the same events, policy and now always give the same clocks, which is why a
 * policy or ticket change can simply recompute from the timeline.
 *
 * - first_response: creation -> first staff reply.
 * - next_response: after the first response, each client reply that finds no cycle waiting
 *   opens one; the next staff reply meets it.
 * - resolution: creation -> status Closed, paused while the status is one of the policy's pause
 *   statuses; reopening a closed ticket starts a new cycle.
 * - status_time: one cycle per stay in a status with a window (see status-time-cycles.ts); pause
 *   statuses do not pause it.
 * Closing a ticket ends waiting response cycles unanswered, and a merge ends every open cycle:
 * such a cycle is kept (as breached) only if its due time had already passed.
 */
export function computeClocks(events: readonly SlaEvent[], policy: ClockPolicy, now: Date): Clock[] {
  return computeCycles(events, policy, now).clocks;
}

/**
 * A cycle that has no due time: its calendar never opens, or does not open for the target's
 * business minutes within {@link DUE_HORIZON_YEARS} years of the start (holidays covering
 * every day until then). It is neither running late nor on track: it waits for no deadline,
 * escalates nothing and is not stored; reads show it as "not due" with the reason.
 */
export interface NotDueCycle {
  metric: ClockMetric;
  cycle: number;
  scope?: 'internal';
  status?: number;
  startedAt: Date;
  metAt: Date | null;
  endedAt: Date | null;
  targetMinutes: number;
  reason: 'never_open' | 'beyond_horizon';
  /** How far a due time was searched for. */
  horizon: Date;
}

/** How far ahead of a cycle's start a due time is searched for (a calendar that opens that rarely is a mistake). */
export const DUE_HORIZON_YEARS = 10;

/** {@link computeClocks}, plus the cycles that have no due time (see {@link NotDueCycle}). */
export function computeCycles(
  events: readonly SlaEvent[],
  policy: ClockPolicy,
  now: Date,
): { clocks: Clock[]; notDue: NotDueCycle[] } {
  const cycles: OpenCycle[] = [];
  const counters: Record<Metric, number> = { first_response: 0, next_response: 0, resolution: 0 };
  const open: Partial<Record<Metric, OpenCycle>> = {};
  const has = (metric: Metric): boolean => policy.targets[metric] !== undefined;
  const start = (metric: Metric, at: Date): OpenCycle | undefined => {
    if (!has(metric)) return undefined;
    const cycle: OpenCycle = {
      metric,
      cycle: ++counters[metric],
      startedAt: at,
      metAt: null,
      stoppedAt: null,
      pauses: [],
    };
    cycles.push(cycle);
    open[metric] = cycle;
    return cycle;
  };
  const meet = (metric: Metric, at: Date): void => {
    const cycle = open[metric];
    if (cycle) {
      cycle.metAt = at;
      closePause(cycle, at);
      delete open[metric];
    }
  };
  const stop = (metric: Metric, at: Date): void => {
    const cycle = open[metric];
    if (cycle) {
      cycle.stoppedAt = at;
      closePause(cycle, at);
      delete open[metric];
    }
  };
  // The pause statuses in force: those of the policy the ticket had at the time, so a policy
  // change keeps the pause time already taken (DESIGN: "the paused time is kept").
  let pauseStatusIds = initialPauseStatusIds(events, policy);
  const lastPolicyChange = events.findLast((e) => e.type === 'policy_changed');
  const isPausing = (status: number): boolean => pauseStatusIds.includes(status);
  const syncPause = (at: Date): void => {
    const resolution = open.resolution;
    if (!resolution) return;
    const last = resolution.pauses[resolution.pauses.length - 1];
    const pausedNow = last !== undefined && last.to === null;
    // A move from one pause status to another (Answered -> On Hold) splits the pause, so the
    // reason shown for the time paused now is the status the ticket sits in now. The split adds
    // up to the same business minutes: the second part always begins before the moved due time.
    if (pausedNow && (!isPausing(status) || last?.status !== status)) closePause(resolution, at);
    if (isPausing(status) && (!pausedNow || last?.status !== status)) {
      resolution.pauses.push({ from: at, to: null, status });
    }
  };

  const { initialStatus, closedStatus } = policy.statuses;
  let status = initialStatus;
  let created = false;
  let firstResponded = false;
  for (const event of events) {
    if (event.at.getTime() > now.getTime()) break;
    switch (event.type) {
      case 'created': {
        if (created) break;
        created = true;
        status = snapshotStatus(event.to) ?? initialStatus;
        start('first_response', event.at);
        const resolution = start('resolution', event.at);
        if (resolution && isPausing(status)) resolution.pauses.push({ from: event.at, to: null, status });
        if (status === closedStatus) meet('resolution', event.at);
        break;
      }
      case 'staff_reply':
        if (!created) break;
        if (!firstResponded) {
          firstResponded = true;
          meet('first_response', event.at);
        }
        meet('next_response', event.at);
        break;
      case 'client_reply':
        if (!created || !firstResponded || open.next_response) break;
        start('next_response', event.at);
        break;
      case 'status_changed': {
        if (!created) break;
        const next = Number(event.to);
        if (!Number.isFinite(next) || next === status) break;
        const previous = status;
        status = next;
        if (next === closedStatus) {
          meet('resolution', event.at);
          // Closing ends waiting response cycles without answering them: kept only if already breached.
          stop('first_response', event.at);
          stop('next_response', event.at);
          break;
        }
        if (previous === closedStatus) {
          start('resolution', event.at);
          // Reopened before anyone answered: the client is still waiting for a first response.
          if (!firstResponded && !open.first_response) start('first_response', event.at);
        }
        syncPause(event.at);
        break;
      }
      case 'policy_changed':
        // After the last change the current policy rules (its pause list may have been edited since).
        pauseStatusIds =
          event === lastPolicyChange ? policy.pauseStatusIds : (pauseListOf(event.to) ?? pauseStatusIds);
        if (created) syncPause(event.at);
        break;
      case 'merged':
        // A merge is not a resolution: open cycles end unmet (kept only if already breached).
        for (const metric of Object.keys(open) as Metric[]) stop(metric, event.at);
        break;
      case 'deleted':
        return { clocks: [], notDue: [] };
      default:
        break;
    }
  }
  const clocks: Clock[] = [];
  const notDue: NotDueCycle[] = [];
  for (const cycle of [...cycles, ...statusCycles(events, policy, now)]) {
    const result = evaluate(cycle, policy, now);
    if (result === null) continue;
    if ('reason' in result) notDue.push(result);
    else clocks.push(result);
  }
  return { clocks, notDue };
}

function pauseListOf(json: string | null): number[] | null {
  if (!json) return null;
  try {
    const value = (JSON.parse(json) as { pauseStatusIds?: unknown }).pauseStatusIds;
    return Array.isArray(value) && value.every((v) => typeof v === 'number') ? value : null;
  } catch {
    return null;
  }
}

/** Before the first recorded policy change, the pause list of the policy the ticket had then. */
function initialPauseStatusIds(events: readonly SlaEvent[], policy: ClockPolicy): readonly number[] {
  const first = events.find((e) => e.type === 'policy_changed');
  return (first && pauseListOf(first.from)) ?? policy.pauseStatusIds;
}

function closePause(cycle: OpenCycle, at: Date): void {
  const last = cycle.pauses[cycle.pauses.length - 1];
  if (last && last.to === null) last.to = at;
}

/** The stays in statuses with a window, as cycles of the status_time metric (held only for leads). */
function statusCycles(events: readonly SlaEvent[], policy: ClockPolicy, now: Date): OpenCycle[] {
  const byStatus = policy.targets.status_time?.byStatus;
  if (!byStatus) return [];
  const holds = policy.pausesHoldStatusTime ? policy.pauseStatusIds : [];
  return statusTimeCycles(events, byStatus, policy.statuses, now, holds).map((c) => ({
    metric: 'status_time',
    cycle: c.cycle,
    status: c.status,
    startedAt: c.startedAt,
    metAt: c.leftAt,
    stoppedAt: c.endedAt,
    pauses: c.holds ?? [],
  }));
}

/** The target a cycle runs against: its metric's, or for status_time its status's window. */
function targetOf(policy: ClockPolicy, cycle: OpenCycle): TargetConfig {
  const target =
    cycle.metric === 'status_time'
      ? policy.targets.status_time?.byStatus[String(cycle.status)]
      : policy.targets[cycle.metric];
  return target as TargetConfig;
}

/** `{ status }` for a status_time cycle, nothing for the others (their JSON has no status). */
function statusOf(cycle: OpenCycle): { status?: number } {
  return cycle.status === undefined ? {} : { status: cycle.status };
}

/** `{ scope: 'internal' }` for an internal clock; a customer clock carries no scope (as before OLAs). */
function scopeOf(policy: ClockPolicy): { scope?: 'internal' } {
  return policy.scope === 'internal' ? { scope: 'internal' } : {};
}

/** Minutes of the target after which the warning fires. */
export function warnMinutes(target: TargetConfig, defaultPercent: number): number {
  if (target.warnBeforeMinutes !== undefined) return target.minutes - target.warnBeforeMinutes;
  return (target.minutes * (target.warnAtPercent ?? defaultPercent)) / 100;
}

/**
 * Moves a deadline by each pause that began before it, by exactly the business time paused
 * (a pause after the deadline moves nothing: a breach stays a breach).
 */
function shiftByPauses(
  calendar: CalendarLike,
  start: Date,
  minutes: number,
  pauses: readonly { from: Date; to: Date | null }[],
  now: Date,
): { at: Date; shifts: number[] } {
  let at = addBusinessMinutes(calendar, start, minutes);
  const shifts = pauses.map((pause) => {
    if (pause.from.getTime() >= at.getTime()) return 0;
    const shift = businessMinutesBetween(calendar, pause.from, pause.to ?? now);
    if (shift > 0) at = addBusinessMinutes(calendar, at, shift);
    return shift;
  });
  return { at, shifts };
}

/** Adds the ladder's next firing to the state's own next check. */
function evaluate(cycle: OpenCycle, policy: ClockPolicy, now: Date): Clock | NotDueCycle | null {
  const clock = evaluateState(cycle, policy, now);
  if (!clock || 'reason' in clock || !policy.ladder?.length) return clock;
  return {
    ...clock,
    nextCheckAt: earliest(clock.nextCheckAt, nextTriggerAfter(clock, policy.ladder, policy.calendar, now)),
  };
}

/**
 * The due and warning times of a cycle, or why it has none. A calendar stored before calendars
 * that never open were refused, or one whose holidays close it for years, must not fail the
 * scan or a page: its clocks simply have no due time.
 */
function dueTimes(
  cycle: OpenCycle,
  target: TargetConfig,
  policy: ClockPolicy,
  now: Date,
): { due: { at: Date; shifts: number[] }; warn: { at: Date } } | NotDueCycle {
  const calendar = policy.calendar ?? ALWAYS_OPEN;
  const start = cycle.startedAt;
  const horizon = new Date(
    Date.UTC(start.getUTCFullYear() + DUE_HORIZON_YEARS, start.getUTCMonth(), start.getUTCDate()),
  );
  const notDue = (reason: NotDueCycle['reason']): NotDueCycle => ({
    metric: cycle.metric,
    cycle: cycle.cycle,
    ...scopeOf(policy),
    ...statusOf(cycle),
    startedAt: start,
    metAt: cycle.metAt,
    endedAt: cycle.stoppedAt,
    targetMinutes: target.minutes,
    reason,
    horizon,
  });
  if (compileCalendar(calendar).weekOpenMs === 0) return notDue('never_open');
  try {
    const due = shiftByPauses(calendar, start, target.minutes, cycle.pauses, now);
    if (due.at.getTime() > horizon.getTime()) return notDue('beyond_horizon');
    const warnAfter = warnMinutes(target, policy.defaultWarnAtPercent);
    return { due, warn: shiftByPauses(calendar, start, warnAfter, cycle.pauses, now) };
  } catch (err) {
    // Past the range of Date: as good as never.
    if (err instanceof RangeError) return notDue('beyond_horizon');
    throw err;
  }
}

function evaluateState(cycle: OpenCycle, policy: ClockPolicy, now: Date): Clock | NotDueCycle | null {
  const target = targetOf(policy, cycle);
  const calendar = policy.calendar ?? ALWAYS_OPEN;
  const times = dueTimes(cycle, target, policy, now);
  // Ended unmet with no due time: nothing was ever owed (as for an unmet cycle ended before due).
  if ('reason' in times) return cycle.stoppedAt ? null : times;
  const { due, warn } = times;
  const dueAt = due.at;
  const pauses: PauseInterval[] = cycle.pauses.map((p, i) => ({ ...p, businessMinutes: due.shifts[i] }));
  const pausedMinutes = due.shifts.reduce((a, b) => a + b, 0);
  const base = {
    metric: cycle.metric,
    cycle: cycle.cycle,
    ...scopeOf(policy),
    ...statusOf(cycle),
    startedAt: cycle.startedAt,
    dueAt,
    warnAt: warn.at,
    pausedMinutes,
    metAt: cycle.metAt,
    endedAt: cycle.stoppedAt,
    pausedNow: pauses.length > 0 && pauses[pauses.length - 1].to === null,
    targetMinutes: target.minutes,
    metMinutes: cycle.metAt
      ? Math.max(0, businessMinutesBetween(calendar, cycle.startedAt, cycle.metAt) - pausedMinutes)
      : null,
    pauses,
  };
  const t = now.getTime();
  if (cycle.stoppedAt) {
    // Unmet but ended: a breach that happened stays on record; anything else is no longer owed.
    if (cycle.stoppedAt.getTime() < dueAt.getTime()) return null;
    return { ...base, state: 'breached', breachedAt: dueAt, nextCheckAt: null };
  }
  if (cycle.metAt) {
    const late = cycle.metAt.getTime() > dueAt.getTime();
    return { ...base, state: late ? 'breached' : 'met', breachedAt: late ? dueAt : null, nextCheckAt: null };
  }
  if (t >= dueAt.getTime()) return { ...base, state: 'breached', breachedAt: dueAt, nextCheckAt: null };
  if (base.pausedNow) return { ...base, state: 'paused', breachedAt: null, nextCheckAt: null };
  if (t >= warn.at.getTime()) return { ...base, state: 'at_risk', breachedAt: null, nextCheckAt: dueAt };
  return { ...base, state: 'on_track', breachedAt: null, nextCheckAt: warn.at };
}
