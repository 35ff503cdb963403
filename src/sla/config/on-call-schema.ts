import { IANAZone } from 'luxon';
import { z } from 'zod';
import { idNumber, parseInstant, storableText } from '../strict-input';
import { parseLocalDate, parseWallTime } from '../calendar/wall-time';

/**
 * Working hours and on-call in the configuration document: each staff member's schedule (a
 * calendar read in their own zone) and the on-call rotas that a `notify_on_call` level names.
 */

const key = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1-64 of a-z, 0-9, _ and -, starting with a letter or digit');
const name = storableText.trim().min(1).max(191);

const zone = z.string().refine((z) => IANAZone.isValidZone(z), { message: 'unknown IANA time zone' });

/** A wall-clock time `HH:MM` within one day (00:00..23:59): when the weekly handover happens. */
const handover = z.string().refine((t) => /^\d{2}:\d{2}$/.test(t) && (parseWallTime(t) ?? 1440) < 1440, {
  message: 'must be HH:MM between 00:00 and 23:59',
});

const localDate = z.string().refine((d) => parseLocalDate(d) !== undefined, {
  message: 'must be a date YYYY-MM-DD',
});

const instant = z.string().refine((t) => parseInstant(t) !== undefined, {
  message: 'must be an ISO-8601 instant with a zone, e.g. 2026-03-30T09:00:00+02:00',
});

/**
 * One staff member's working hours: `calendar` (a calendar key) read in `timezone` (default: the
 * calendar's own), so one "Mon-Fri 09:00-17:00" calendar serves people in several zones. A
 * `calendar` of null, like having no entry at all, means always reachable.
 */
const StaffScheduleSchema = z.strictObject({
  staffId: idNumber,
  calendar: key.nullable(),
  timezone: zone.optional(),
});

const WeeklyRotationSchema = z.strictObject({
  type: z.literal('weekly'),
  /** The local date of the first shift; it starts at `handover` that day. */
  startsAt: localDate,
  handover,
  timezone: zone,
  /** In rotation order: the first takes the first week, then the next, and round again. */
  staffIds: z.array(idNumber).min(1, 'list at least one staff member'),
});

const RangeSchema = z
  .strictObject({ from: instant, to: instant, staffId: idNumber })
  .refine((r) => (parseInstant(r.from) as Date) < (parseInstant(r.to) as Date), {
    message: 'to must be after from',
    path: ['to'],
  });

const RangesRotationSchema = z.strictObject({
  type: z.literal('ranges'),
  /** Who is on call from `from` (inclusive) to `to` (exclusive); outside every range, the fallback. */
  ranges: z.array(RangeSchema),
});

const OnCallRotaSchema = z.strictObject({
  key,
  name,
  /** The department the rota covers (shown in settings; the level names the rota by key). */
  departmentId: idNumber,
  /** Who is notified when nobody is on call, or the person on call cannot be reached. */
  fallbackStaffId: idNumber,
  rotation: z.discriminatedUnion('type', [WeeklyRotationSchema, RangesRotationSchema]),
});

export type StaffScheduleConfig = z.infer<typeof StaffScheduleSchema>;
export type OnCallRotaConfig = z.infer<typeof OnCallRotaSchema>;
export type RotationConfig = OnCallRotaConfig['rotation'];
export { OnCallRotaSchema, StaffScheduleSchema };

/** One schedule per staff member, each naming a calendar the document or the database has. */
export function checkSchedules(
  schedules: readonly StaffScheduleConfig[],
  calendarKeys: ReadonlySet<string>,
  ctx: z.RefinementCtx,
): void {
  const seen = new Set<number>();
  schedules.forEach((s, i) => {
    if (seen.has(s.staffId)) {
      ctx.addIssue({
        code: 'custom',
        path: ['staffSchedules', i, 'staffId'],
        message: `staff member ${s.staffId} has two schedules`,
      });
    }
    seen.add(s.staffId);
    if (s.calendar !== null && !calendarKeys.has(s.calendar)) {
      ctx.addIssue({
        code: 'custom',
        path: ['staffSchedules', i, 'calendar'],
        message: `no calendar with key "${s.calendar}"`,
      });
    }
  });
}
