// Business time: calendars, validation, precomputation and arithmetic (pure, no I/O).
export { CalendarError } from './calendar-error';
export { validateCalendar } from './calendar-schema';
export type { Calendar, CalendarInput, TimeInterval, WeekSchedule } from './calendar-schema';
export { compileCalendar, CompiledCalendar } from './compiled-calendar';
export { addBusinessMinutes, businessMinutesBetween } from './business-time';
export type { CalendarLike } from './business-time';
export { neverOpens, MAX_CLOSED_DAYS } from './closed-stretch';
export type { NeverOpen } from './closed-stretch';
export { importHolidays } from './holidays-import';
export type { HolidayImportRequest } from './holidays-import';
export type { Weekday } from './wall-time';
