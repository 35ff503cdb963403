import type { TFunction } from 'i18next';
import type { HostContext } from '../host/host-context';
import type { ClockState } from '../sla/clocks/sla-event';
import { formatDuration, type DurationUnits } from '../mail/format-duration';
import { manifest } from '../manifest';
import { languageCode } from './i18n';

/**
 * What the module's pieces inside the host's own pages (list column, ticket panel, home widget)
 * share: who may see them, the viewer's language, and how a running clock reads.
 */

export function canView(host: HostContext, staffId: number): Promise<boolean> {
  return host.permissions.can(staffId, manifest.permissions.feature, 'view');
}

/** The staff member's language (Perfex `default_language`) as a locale code: one host query. */
export async function staffLanguage(host: HostContext, staffId: number): Promise<string> {
  const staff = (await host.tickets.listStaff()).find((s) => s.id === staffId);
  return languageCode(staff?.defaultLanguage);
}

/** A clock that still runs: not met and not ended (a paused one runs too, it just waits). */
export interface RunningClock {
  metric: string;
  /** The stored state: only `paused` is trusted, the rest is derived from the times and now. */
  state: string;
  dueAt: Date;
  warnAt: Date;
}

export type RunningState = Extract<ClockState, 'on_track' | 'at_risk' | 'breached' | 'paused'>;

/**
 * The state a running clock has at `now`: the scan stores states once a minute, but the host's
 * pages show the time left to the second they render. A paused clock stays paused (its stored
 * due time moves on while it waits); a breached one stays breached even when paused later.
 */
export function runningState(clock: RunningClock, now: Date): RunningState {
  if (clock.state === 'breached' || now.getTime() >= clock.dueAt.getTime()) return 'breached';
  if (clock.state === 'paused') return 'paused';
  return now.getTime() >= clock.warnAt.getTime() ? 'at_risk' : 'on_track';
}

const URGENCY: Record<RunningState, number> = { breached: 0, at_risk: 1, on_track: 2, paused: 3 };

/** The clock to show for a ticket: the worst state first, then the earliest due time. */
export function mostUrgent<C extends RunningClock>(clocks: readonly C[], now: Date): C | undefined {
  let best: C | undefined;
  for (const c of clocks) {
    if (!best) best = c;
    else {
      const diff = URGENCY[runningState(c, now)] - URGENCY[runningState(best, now)];
      if (diff < 0 || (diff === 0 && c.dueAt.getTime() < best.dueAt.getTime())) best = c;
    }
  }
  return best;
}

/**
 * Wall-clock minutes between now and the due instant, rounded the way assets/countdown.js rounds
 * (time left rounds up, so "0m left" never shows before the due time; overdue rounds down).
 */
export function minutesFromDue(dueAt: Date, now: Date): { overdue: boolean; minutes: number } {
  const ms = dueAt.getTime() - now.getTime();
  return ms > 0
    ? { overdue: false, minutes: Math.ceil(ms / 60_000) }
    : { overdue: true, minutes: Math.floor(-ms / 60_000) };
}

const SENTINEL = 987654;

/**
 * The countdown's phrases in the viewer's language, for assets/countdown.js: units with `{n}`
 * for the number, "left" and "overdue" with `{d}` for the duration.
 */
export function countdownTemplates(
  t: TFunction,
): Record<'days' | 'hours' | 'minutes' | 'left' | 'overdue', string> {
  const unit = (key: string) =>
    t(`column.units.${key}`, { count: SENTINEL }).replace(String(SENTINEL), '{n}');
  return {
    days: unit('days'),
    hours: unit('hours'),
    minutes: unit('minutes'),
    left: t('column.left', { duration: '{d}' }),
    overdue: t('column.overdue', { duration: '{d}' }),
  };
}

function units(t: TFunction): DurationUnits {
  return {
    days: (count) => t('column.units.days', { count }),
    hours: (count) => t('column.units.hours', { count }),
    minutes: (count) => t('column.units.minutes', { count }),
  };
}

/** "2h 10m left", "35m overdue" or "paused", in the viewer's language. */
export function timeLeftText(t: TFunction, state: RunningState, dueAt: Date, now: Date): string {
  if (state === 'paused') return t('column.paused');
  const { overdue, minutes } = minutesFromDue(dueAt, now);
  const duration = formatDuration(minutes, units(t));
  return overdue ? t('column.overdue', { duration }) : t('column.left', { duration });
}
