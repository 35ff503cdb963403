/**
 * SLA Vigil's public API: the module lifecycle the host calls, the host contract types, and
 * the pure business-time functions (fixed by DESIGN.md, loadable from `dist/index.js`).
 */
export { activate, deactivate, uninstall, isActive } from './module-lifecycle';
export * from './host/host-context';
export { manifest } from './manifest';
export { createDb, ensureDatabase } from './store/db';
export { createPerfexHostParts } from './host/perfex/perfex-host-parts';
export {
  addBusinessMinutes,
  businessMinutesBetween,
  compileCalendar,
  validateCalendar,
  importHolidays,
  CalendarError,
} from './sla/calendar';
export type { CalendarInput, Calendar, CalendarLike, WeekSchedule, TimeInterval } from './sla/calendar';
export { computeClocks } from './sla/clocks/compute-clocks';
export { matchPolicy } from './sla/policy/match-policy';
export { parseSlaConfig, SlaConfigSchema, ConfigError } from './sla/config';
export type { SlaConfig, PolicyConfig, CalendarConfig, Metric } from './sla/config';
