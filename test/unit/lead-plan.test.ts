import { planLeads, type LeadPlanContext, type LeadSeedEvent } from '../../devhost/seed/lead-plans';
import { MARKETS, OUTCOMES, type LeadSourceName, type LeadStatusName } from '../../devhost/seed/lead-data';
import { Random } from '../../devhost/seed/random';

const ZONE = 'America/New_York';
const statusNames: LeadStatusName[] = [
  'New',
  'Contacted',
  'Qualified',
  'Proposal',
  'Waiting on customer',
  'On hold',
];
const sourceNames: LeadSourceName[] = ['Google', 'Facebook', 'Website form', 'Referral', 'Trade show'];
const emails = [...new Set(MARKETS.flatMap((m) => m.owners))];

function context(now: Date, seed = 5): LeadPlanContext {
  return {
    rng: new Random(seed),
    now,
    zone: ZONE,
    staffIds: new Map(emails.map((e, i) => [e, 10 + i])),
    statuses: new Map(statusNames.map((s, i) => [s, 2 + i])),
    sources: new Map(sourceNames.map((s, i) => [s, 1 + i])),
    countries: new Map(MARKETS.map((m, i) => [m.iso2, { id: 100 + i, callingCode: String(i + 1) }])),
  };
}

/** Where each planned lead ends: its last status, and lost / junk / converted. */
function finalStates(
  events: LeadSeedEvent[],
): Map<number, { status: number; flag?: string; country: number; assigned: number }> {
  const out = new Map<number, { status: number; flag?: string; country: number; assigned: number }>();
  for (const e of events) {
    const a = e.action;
    if (a.kind === 'create')
      out.set(e.lead, { status: a.input.status, country: a.input.country, assigned: a.input.assigned });
    const lead = out.get(e.lead)!;
    if (a.kind === 'edit' && a.data.status) lead.status = a.data.status;
    if (a.kind === 'edit' && a.data.assigned) lead.assigned = a.data.assigned;
    if (a.kind === 'kanban') lead.status = a.status;
    if (a.kind === 'lost' || a.kind === 'junk' || a.kind === 'convert') lead.flag = a.kind;
  }
  return out;
}

describe('demo lead plan', () => {
  // A Friday in office hours, a Sunday night, a Monday before opening (New York).
  const nows = ['2026-02-20T15:00:00Z', '2026-02-23T04:00:00Z', '2026-02-23T13:30:00Z'].map(
    (x) => new Date(x),
  );

  it.each(nows)('is the same for the same now, chronological, within the month before %s', (now) => {
    const events = planLeads(context(now));
    expect(planLeads(context(now))).toEqual(events);
    const times = events.map((e) => e.at.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.max(...times)).toBeLessThanOrEqual(now.getTime() - 60_000);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(now.getTime() - 30 * 86_400_000);
    for (const e of events) if (e.action.kind === 'create') expect(e.action.input.date).toEqual(e.at);
  });

  it.each(nows)('reaches every planned state in every market, whatever the hour (%s)', (now) => {
    const states = [...finalStates(planLeads(context(now))).values()];
    expect(states).toHaveLength(60);
    const ctx = context(now);
    const perCountry = (iso: string) =>
      states.filter((s) => s.country === ctx.countries.get(iso as never)!.id).length;
    for (const m of MARKETS) expect(perCountry(m.iso2)).toBe(m.leads);
    const count = (flag: string | undefined, status?: LeadStatusName) =>
      states.filter((s) => s.flag === flag && (status === undefined || s.status === ctx.statuses.get(status)))
        .length;
    expect(count('convert')).toBe(OUTCOMES.converted);
    expect(count('lost')).toBe(OUTCOMES.lost);
    expect(count('junk')).toBe(OUTCOMES.junk);
    expect(count(undefined, 'New')).toBe(OUTCOMES.new);
    expect(count(undefined, 'Contacted')).toBe(OUTCOMES.contacted);
    expect(count(undefined, 'Qualified')).toBe(OUTCOMES.qualified);
    expect(count(undefined, 'Proposal')).toBe(OUTCOMES.proposal);
    expect(count(undefined, 'Waiting on customer')).toBe(OUTCOMES.waiting);
    expect(count(undefined, 'On hold')).toBe(OUTCOMES.on_hold);
    expect(states.filter((s) => s.assigned === 0).length).toBeGreaterThanOrEqual(4);
  });

  it('differs with another seed', () => {
    expect(planLeads(context(nows[0], 6))).not.toEqual(planLeads(context(nows[0], 5)));
  });
});
