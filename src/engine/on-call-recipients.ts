import type { HostStaff } from '../host/host-context';
import { onDutyAt } from '../sla/on-call';
import type { PolicyBook } from '../sla/policy/policy-book';
import { reachable } from './escalation-notice';

/** Why a `notify_on_call` level reached whom it reached, recorded in the escalation's details. */
export type OnCallReason =
  'on_duty' | 'nobody_on_call' | 'on_duty_unreachable' | 'fallback_unreachable' | 'no_such_rota';

export interface OnCallDetails {
  rota: string;
  /** Who the rotation has on duty now (null: nobody). */
  onDuty: number | null;
  /** Who was notified (the person on duty or the fallback); null when nobody could be. */
  notified: number | null;
  reason: OnCallReason;
}

/**
 * The recipient of a `notify_on_call` level at `now`: the rota's person on duty when reachable
 * (active, with an address); otherwise the rota's fallback person, with the reason (nobody on
 * duty, or the person on duty unreachable). The same for tickets and leads.
 */
export function onCallRecipients(
  rotaKey: string,
  book: PolicyBook,
  staff: ReadonlyMap<number, HostStaff>,
  now: Date,
): { staff: HostStaff[]; onCall: OnCallDetails } {
  const rota = book.rotas.get(rotaKey);
  if (!rota)
    return { staff: [], onCall: { rota: rotaKey, onDuty: null, notified: null, reason: 'no_such_rota' } };
  const onDuty = onDutyAt(rota.rotation, now);
  const person = onDuty === null ? undefined : staff.get(onDuty);
  if (reachable(person))
    return { staff: [person], onCall: { rota: rotaKey, onDuty, notified: onDuty, reason: 'on_duty' } };
  const fallback = staff.get(rota.fallbackStaffId);
  if (!reachable(fallback)) {
    return { staff: [], onCall: { rota: rotaKey, onDuty, notified: null, reason: 'fallback_unreachable' } };
  }
  return {
    staff: [fallback],
    onCall: {
      rota: rotaKey,
      onDuty,
      notified: fallback.id,
      reason: onDuty === null ? 'nobody_on_call' : 'on_duty_unreachable',
    },
  };
}
