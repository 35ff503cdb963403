import type { NamedRow } from '../../host/host-context';
import type { OnCallRotaConfig } from '../../sla/config';
import { nextHandovers, onDutyAt } from '../../sla/on-call';

/** A rota as the on-call page lists it: who is on call now (or the fallback) and the next handovers. */
export interface RotaRow {
  key: string;
  name: string;
  department: string;
  fallback: string;
  type: 'weekly' | 'ranges';
  /** Who a level would reach now, and whether that is the fallback (nobody on duty). */
  now: { name: string; fallback: boolean };
  handovers: { at: Date; name: string; fallback: boolean }[];
}

export function rotaRow(
  rota: OnCallRotaConfig,
  departments: readonly NamedRow[],
  staff: ReadonlyMap<number, string>,
  now: Date,
): RotaRow {
  const name = (id: number) => staff.get(id) ?? `#${id}`;
  const fallback = name(rota.fallbackStaffId);
  const onDuty = onDutyAt(rota.rotation, now);
  return {
    key: rota.key,
    name: rota.name,
    department: departments.find((d) => d.id === rota.departmentId)?.name ?? `#${rota.departmentId}`,
    fallback,
    type: rota.rotation.type,
    now: onDuty === null ? { name: fallback, fallback: true } : { name: name(onDuty), fallback: false },
    handovers: nextHandovers(rota.rotation, now, 3).map((h) => ({
      at: h.at,
      name: h.staffId === null ? fallback : name(h.staffId),
      fallback: h.staffId === null,
    })),
  };
}
