import type { SlaConfig } from '../../src/sla/config';
import type { LeadPlanContext } from './lead-plans';
import type { LeadStatusName, MarketCode } from './lead-data';
import { officeHours } from './seed-sla-config';

/** Each market's own business hours, as a sales team there works them. */
const MARKET_ZONES: Record<MarketCode, { zone: string; name: string }> = {
  IN: { zone: 'Asia/Kolkata', name: 'India office (Mon-Fri 09-17 IST)' },
  US: { zone: 'America/New_York', name: 'US East office (Mon-Fri 09-17 ET)' },
  SG: { zone: 'Asia/Singapore', name: 'Singapore office (Mon-Fri 09-17 SGT)' },
  DE: { zone: 'Europe/Berlin', name: 'Berlin office (Mon-Fri 09-17)' },
  FR: { zone: 'Europe/Paris', name: 'Paris office (Mon-Fri 09-17)' },
};

/** Business minutes a lead may spend in each working status. */
const WINDOWS: Partial<Record<LeadStatusName, number>> = {
  New: 60,
  Contacted: 3 * 8 * 60,
  Qualified: 10 * 8 * 60,
  Proposal: 10 * 8 * 60,
};

/**
 * The demo's lead SLAs: one policy per market on that market's calendar (a first call within a
 * business hour of a new lead, three business days from first contact to qualified, two weeks
 * each to a proposal and to a decision), a faster one for web
 * form leads in India, and a fallback for leads without a market. Waiting on the customer and on
 * hold pause the window; the owner hears before it runs out, the manager at breach.
 */
export function demoLeadSlaConfig(
  pipeline: Pick<LeadPlanContext, 'statuses' | 'sources' | 'countries'>,
  manager: number,
): Pick<SlaConfig, 'calendars' | 'policies'> {
  const status = (name: LeadStatusName): number => {
    const id = pipeline.statuses.get(name);
    if (id === undefined) throw new Error(`seed: lead status ${name} missing`);
    return id;
  };
  const byStatus = Object.fromEntries(
    Object.entries(WINDOWS).map(([name, minutes]) => [String(status(name as LeadStatusName)), { minutes }]),
  );
  const pause = [status('Waiting on customer'), status('On hold')];
  const escalations = [
    {
      metric: 'status_time' as const,
      trigger: { type: 'before_due' as const, minutes: 15 },
      action: { type: 'notify_assignee' as const },
    },
    {
      metric: 'status_time' as const,
      trigger: { type: 'at_due' as const },
      action: { type: 'notify_staff' as const, staffId: manager },
    },
  ];
  const markets = Object.entries(MARKET_ZONES) as [MarketCode, { zone: string; name: string }][];
  const calendars = markets.map(([code, m]) => ({
    key: `market-${code.toLowerCase()}`,
    name: m.name,
    ...officeHours(m.zone),
    holidays: [],
  }));
  const policy = (key: string, name: string, position: number, match: object, calendar: string | null) => ({
    key,
    name,
    subject: 'lead' as const,
    active: true,
    position,
    match,
    calendar,
    targets: { status_time: { byStatus } },
    pauseStatusIds: pause,
    escalations,
  });
  const policies = markets.flatMap(([code], i) => {
    const country = pipeline.countries.get(code)?.id;
    return country === undefined
      ? []
      : [
          policy(
            `leads-${code.toLowerCase()}`,
            `Leads: ${code}`,
            100 + i,
            { countryIds: [country] },
            `market-${code.toLowerCase()}`,
          ),
        ];
  });
  const india = pipeline.countries.get('IN')?.id;
  const web = pipeline.sources.get('Website form');
  if (india !== undefined && web !== undefined) {
    policies.push({
      ...policy(
        'leads-in-web',
        'Leads: India web form',
        99,
        { countryIds: [india], sourceIds: [web] },
        'market-in',
      ),
      targets: { status_time: { byStatus: { ...byStatus, [String(status('New'))]: { minutes: 30 } } } },
    });
  }
  policies.push(policy('leads-other', 'Leads: other markets', 120, {}, null));
  return { calendars, policies };
}
