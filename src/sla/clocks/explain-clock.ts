import { DateTime } from 'luxon';
import { addBusinessMinutes, type CalendarLike } from '../calendar';
import type { Clock } from './compute-clocks';

const ALWAYS_OPEN: CalendarLike = { timezone: 'UTC' };

export interface ExplainContext {
  /** The policy's calendar; null = around the clock. */
  calendar: CalendarLike | null;
  /** Zone to speak in: the calendar's, or the host's for 24x7 policies. */
  timezone: string;
  statusNames: ReadonlyMap<number, string>;
  now: Date;
}

/** "4 business hours", "1 h 30 min", "45 min": business durations in words. */
export function formatMinutes(minutes: number, business = true): string {
  const rounded = Math.round(minutes);
  const h = Math.floor(rounded / 60);
  const m = rounded % 60;
  const unit = business ? 'business ' : '';
  if (m === 0 && h > 0) return `${h} ${unit}hour${h === 1 ? '' : 's'}`;
  if (h === 0) return `${m} ${unit}min`;
  return `${h} h ${m} ${unit}min`;
}

/**
 * The segments and pauses that make a clock's due time, in words a manager understands:
 * "created Fri 17:40, office closed until Mon 09:00; 4 business hours -> due Mon 13:00".
 */
export function explainClock(clock: Clock, ctx: ExplainContext): string[] {
  const calendar = ctx.calendar ?? ALWAYS_OPEN;
  const fmt = (d: Date): string => DateTime.fromJSDate(d, { zone: ctx.timezone }).toFormat('ccc d LLL HH:mm');
  const lines: string[] = [];
  const opening = addBusinessMinutes(calendar, clock.startedAt, 0);
  let start = `started ${fmt(clock.startedAt)} (${ctx.timezone})`;
  if (opening.getTime() > clock.startedAt.getTime()) start += `, office closed until ${fmt(opening)}`;
  let due = addBusinessMinutes(calendar, clock.startedAt, clock.targetMinutes);
  lines.push(`${start}; ${formatMinutes(clock.targetMinutes, ctx.calendar !== null)} -> due ${fmt(due)}`);
  for (const pause of clock.pauses) {
    const status = ctx.statusNames.get(pause.status) ?? `status ${pause.status}`;
    if (pause.businessMinutes > 0) due = addBusinessMinutes(calendar, due, pause.businessMinutes);
    const span = pause.to ? `${fmt(pause.from)} - ${fmt(pause.to)}` : `since ${fmt(pause.from)}`;
    if (pause.from.getTime() >= clock.dueAt.getTime() && pause.businessMinutes === 0) {
      lines.push(`${status} ${span}: after the due time, so no time added`);
    } else {
      lines.push(
        `paused (${status}) ${span}: ${formatMinutes(pause.businessMinutes)} added -> due ${fmt(due)}`,
      );
    }
  }
  switch (clock.state) {
    case 'met':
      lines.push(`met ${fmt(clock.metAt as Date)}, before the due time`);
      break;
    case 'breached':
      lines.push(
        clock.metAt
          ? `breached at ${fmt(clock.dueAt)}; met late at ${fmt(clock.metAt)}`
          : `breached at ${fmt(clock.dueAt)}, still waiting`,
      );
      break;
    case 'at_risk':
      lines.push(`at risk since the warning at ${fmt(clock.warnAt)}`);
      break;
    case 'paused':
      lines.push('paused now: the due time moves on while the ticket waits');
      break;
    case 'on_track':
      lines.push(`on track; warning at ${fmt(clock.warnAt)}`);
      break;
  }
  return lines;
}
