import type { TFunction } from 'i18next';
import type { HostStaff, TicketGateway } from '../../host/host-context';
import { onCallRecipients } from '../../engine/on-call-recipients';
import { reachable } from '../../engine/escalation-notice';
import { formatDateTime } from '../../i18n/format-date';
import type { PolicyBook } from '../../sla/policy/policy-book';
import { parseId } from '../../sla/strict-input';
import { text, type FormValues } from './form-values';

/**
 * "Would reach now: …" under each notify level of the ladder editor, from the form as typed: the
 * rule for notify_assignee (the assignee depends on the subject), the actual people now for a named
 * person, a department or an on-call rota, and for a level held to working hours, whom it would
 * hold and until when (in their zone). Null for levels that notify nobody (reassign, priority).
 */
export async function levelReach(
  values: FormValues,
  rows: number,
  deps: { tickets: TicketGateway; book: PolicyBook; now: Date; lang: string; hostZone: string; t: TFunction },
): Promise<(string | null)[]> {
  const { t, book, now } = deps;
  const staff = new Map((await deps.tickets.listStaff()).map((s) => [s.id, s]));
  const out: (string | null)[] = [];
  for (let i = 0; i < rows; i++) {
    const row = `escalations.${i}`;
    const people = await recipientsOf(text(values, `${row}.action`), values, row, staff, deps);
    if (people === null) {
      out.push(null);
      continue;
    }
    if (people === 'rule') {
      out.push(t('settings.policy.reach_now', { who: t('settings.policy.reach_rule') }));
      continue;
    }
    const held = text(values, `${row}.deliver`) === 'working_hours';
    const names = people.map((s) => {
      const name = `${s.firstname} ${s.lastname}`.trim();
      const opens = held ? book.nextWorkingMomentOf(s.id, now) : now;
      if (opens.getTime() === now.getTime()) return name;
      const time = formatDateTime(opens, book.zoneOf(s.id) ?? deps.hostZone, deps.lang, now);
      return t('settings.policy.reach_held', { name, time });
    });
    out.push(
      t('settings.policy.reach_now', {
        who: names.length ? names.join(', ') : t('settings.policy.reach_nobody'),
      }),
    );
  }
  return out;
}

async function recipientsOf(
  action: string,
  values: FormValues,
  row: string,
  staff: ReadonlyMap<number, HostStaff>,
  deps: { tickets: TicketGateway; book: PolicyBook; now: Date },
): Promise<HostStaff[] | 'rule' | null> {
  const id = (field: string) => parseId(text(values, `${row}.${field}`));
  switch (action) {
    case 'notify_assignee':
      return 'rule';
    case 'notify_staff':
      return [staff.get(id('staffId') ?? 0)].filter(reachable);
    case 'notify_department': {
      const department = id('departmentId');
      // A lead level with no department goes to the owner's departments: a rule, not people.
      if (department === undefined) return 'rule';
      return (await deps.tickets.listDepartmentStaff(department)).filter(reachable);
    }
    case 'notify_on_call':
      return onCallRecipients(text(values, `${row}.rota`), deps.book, staff, deps.now).staff;
    default:
      return null;
  }
}
