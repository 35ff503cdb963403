import type { HostContext } from '../host/host-context';
import type { LeadMonitorRow } from '../store/read/lead-monitor-service';
import type { PageContext } from './web-deps';
import type { NameBook } from './view-helpers';
import { minutesFromDue, timeLeftText } from './ticket-widgets';

/**
 * The monitor's lead rows in words: lead, company, status, market, source, owner and policy
 * names from one host lookup each, never per row.
 */
export async function leadRowsView(
  host: HostContext,
  rows: LeadMonitorRow[],
  staff: NameBook['staff'],
  policies: ReadonlyMap<number, string>,
  ctx: PageContext,
) {
  const gateway = host.leads;
  const [leads, statuses, countries, sources] = await Promise.all([
    gateway ? gateway.getLeads(rows.map((r) => r.leadId)) : [],
    gateway ? gateway.listLeadStatuses() : [],
    gateway ? gateway.listCountries() : [],
    gateway ? gateway.listLeadSources() : [],
  ]);
  const byId = new Map(leads.map((l) => [l.id, l]));
  const name = (list: { id: number; name: string }[]) => {
    const names = new Map(list.map((x) => [x.id, x.name]));
    return (id: number) => (id === 0 ? '—' : (names.get(id) ?? `#${id}`));
  };
  const [status, country, source] = [name(statuses), name(countries), name(sources)];
  return rows.map((r) => {
    const lead = byId.get(r.leadId);
    return {
      ...r,
      href: ctx.leadUrl(r.leadId),
      name: lead?.name ?? '',
      company: lead?.company ?? '',
      statusName: status(r.status),
      countryName: country(r.country),
      sourceName: source(r.source),
      agentName:
        r.assigned === 0 ? ctx.t('monitor.unassigned') : (staff.get(String(r.assigned)) ?? `#${r.assigned}`),
      policyName: r.policyId === null ? null : (policies.get(r.policyId) ?? `#${r.policyId}`),
      // The running clock of an open lead is its stay in its current status.
      clockName: r.dueAt ? ctx.t('metrics.status_time_in', { status: status(r.status) }) : null,
      overdue: r.dueAt !== null && r.state !== 'paused' && minutesFromDue(r.dueAt, ctx.now).overdue,
      timeLeft: r.dueAt && r.state !== 'paused' ? timeLeftText(ctx.t, r.state, r.dueAt, ctx.now) : '—',
    };
  });
}
