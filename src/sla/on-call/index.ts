// Working hours and on-call (pure): who is on duty in a rota, and when a person next works.
export { nextHandovers, onCallAt, onDutyAt } from './on-call-rota';
export type { Handover } from './on-call-rota';
export { isWorking, nextWorkingMoment } from './working-hours';
