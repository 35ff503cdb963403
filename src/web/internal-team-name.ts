import type { InternalTargetConfig } from '../sla/config';
import type { NameBook } from './view-helpers';

/**
 * A team's name for people: its own `name`, else its department's name, else its staff members'
 * names ("Anna Agent, Bob Builder"); an id the host no longer knows reads as `#id`.
 */
export function internalTeamName(
  team: InternalTargetConfig,
  names: Pick<NameBook, 'department' | 'staff'>,
): string {
  if (team.name) return team.name;
  const { departmentId, staffIds } = team.team;
  if (departmentId !== undefined) return names.department.get(String(departmentId)) ?? `#${departmentId}`;
  return (staffIds ?? []).map((id) => names.staff.get(String(id)) ?? `#${id}`).join(', ');
}
