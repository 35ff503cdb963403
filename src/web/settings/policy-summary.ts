import type { TFunction } from 'i18next';
import { METRICS, type InternalTargetConfig, type PolicyConfig } from '../../sla/config';
import { MATCH_FIELDS_OF, type MatchField, type SubjectType } from '../../sla/config/subject-types';

/**
 * Names by id for each match criterion (departments, priorities, clients, services; for leads
 * markets, sources, statuses, owners).
 */
export type MatchNames = Partial<Record<MatchField, ReadonlyMap<number, string>>>;

/**
 * What a policy applies to, in words with the host's names: "Department Support, priority High",
 * "market Germany; source Website", or "All tickets" / "All leads" without criteria. An id the
 * host no longer has is shown as "#7".
 */
export function describeMatch(
  match: PolicyConfig['match'],
  names: MatchNames,
  t: TFunction,
  subject: SubjectType = 'ticket',
): string {
  const parts = MATCH_FIELDS_OF[subject].flatMap((field) => {
    const ids = match[field] ?? [];
    if (ids.length === 0) return [];
    const list = ids.map((id) => names[field]?.get(id) ?? `#${id}`).join(', ');
    return [t(`settings.summary.${field}`, { count: ids.length, names: list })];
  });
  return parts.length ? parts.join(t('settings.summary.and')) : t(`settings.summary.all_${subject}s`);
}

/**
 * The targets in words, in the order they happen: "First response 1 h, Resolution 8 business h",
 * then the status limits by the host's status names.
 * "business" when the policy counts on a calendar with opening hours; 24×7 time otherwise.
 */
export function describeTargets(
  targets: PolicyConfig['targets'],
  businessTime: boolean,
  t: TFunction,
  statusNames: ReadonlyMap<number, string> = new Map(),
): string {
  const metrics = METRICS.flatMap((metric) => {
    const target = targets[metric];
    if (!target) return [];
    return [
      t('settings.summary.target', {
        metric: t(`metrics.${metric}`),
        duration: targetDuration(target.minutes, businessTime, t),
      }),
    ];
  });
  // Then the status limits, as the SLA tab names their clocks: "Time in In progress 16 business h".
  const limits = Object.entries(targets.status_time?.byStatus ?? {})
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([id, target]) =>
      t('settings.summary.target', {
        metric: t('metrics.status_time_in', { status: statusNames.get(Number(id)) ?? `#${id}` }),
        duration: targetDuration(target.minutes, businessTime, t),
      }),
    );
  return [...metrics, ...limits].join(', ');
}

/**
 * A policy's internal targets in words, one team after the other in their order (the first team
 * that matches wins): "Internal (Tier 1): First response 30 min, Resolution 4 business h".
 */
export function describeInternalTargets(
  teams: readonly InternalTargetConfig[] | undefined,
  businessTime: boolean,
  t: TFunction,
  teamName: (team: InternalTargetConfig) => string,
): string[] {
  return (teams ?? []).map((team) =>
    t('panel.internal_clock', {
      team: teamName(team),
      metric: describeTargets(team.targets, businessTime, t),
    }),
  );
}

function targetDuration(minutes: number, business: boolean, t: TFunction): string {
  const kind = business ? 'business_' : '';
  const hours = Math.floor(minutes / 60);
  const rest = Math.round((minutes % 60) * 100) / 100;
  if (hours === 0) return t(`settings.summary.${kind}min`, { count: rest });
  if (rest === 0) return t(`settings.summary.${kind}h`, { count: hours });
  return t(`settings.summary.${kind}h_min`, { hours, minutes: rest });
}
