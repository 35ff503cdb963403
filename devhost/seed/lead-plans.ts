import { nextBusinessInstant } from './business-hours';
import {
  MARKETS,
  OUTCOMES,
  type LeadOutcome,
  type LeadSourceName,
  type LeadStatusName,
  type Market,
  type MarketCode,
} from './lead-data';
import type { Random } from './random';

const MINUTE_MS = 60_000;
const WINDOW_DAYS = 30;

/** The ids the plan needs, read back after the seed inserted statuses and sources. */
export interface LeadPlanContext {
  rng: Random;
  now: Date;
  zone: string;
  staffIds: ReadonlyMap<string, number>;
  statuses: ReadonlyMap<LeadStatusName, number>;
  sources: ReadonlyMap<LeadSourceName, number>;
  countries: ReadonlyMap<MarketCode, { id: number; callingCode: string }>;
}

/** One LeadService call; the replay sets the clock to the event's instant first. */
export type LeadSeedAction =
  | {
      kind: 'create';
      input: {
        name: string;
        company: string;
        email: string;
        phonenumber: string;
        country: number;
        status: number;
        source: number;
        assigned: number;
        addedfrom: number;
        lead_value: number;
        date: Date;
      };
    }
  | { kind: 'edit'; staff: number; data: { status?: number; assigned?: number; contacted_today?: true } }
  | { kind: 'kanban'; staff: number; status: number }
  | { kind: 'lost' | 'junk' | 'convert'; staff: number };

export interface LeadSeedEvent {
  at: Date;
  /** Index of the planned lead (its id is known only once `create` ran). */
  lead: number;
  action: LeadSeedAction;
}

/**
 * How long ago (in days, drawn uniformly) a lead with this outcome came in. The open stages are
 * young enough that most sit inside their window (a first contact within three business days, a
 * qualified lead's proposal within two weeks), so the demo looks like a team that mostly keeps
 * its promises and misses a few; closed leads spread over the month for the trend and the
 * time-to-first-action figures.
 */
const AGE_DAYS: Record<Exclude<LeadOutcome, 'new'>, [number, number]> = {
  contacted: [0.3, 4],
  qualified: [2, 15],
  proposal: [4, 18],
  waiting: [6, 28],
  on_hold: [6, 28],
  converted: [3, WINDOW_DAYS - 1],
  lost: [2, WINDOW_DAYS - 1],
  junk: [0.5, WINDOW_DAYS - 1],
};
/** Untouched new leads that came in within the last business hour; the others were missed. */
const FRESH_NEW = 6;

/**
 * The demo's 60 leads over the month before `now`: fixed counts per market (MARKETS) and per
 * final state (OUTCOMES), dealt out by the seed's Random. Every step of a lead's story falls
 * before `now` (a step that would not is pulled in), so the counts hold whatever `now` is.
 * Chronological.
 */
export function planLeads(ctx: LeadPlanContext): LeadSeedEvent[] {
  const { rng, now } = ctx;
  const markets = shuffle(
    rng,
    MARKETS.flatMap((m) => Array.from({ length: m.leads }, () => m)),
  );
  const outcomes = shuffle(
    rng,
    (Object.entries(OUTCOMES) as [LeadOutcome, number][]).flatMap(([outcome, n]) =>
      Array.from({ length: n }, () => outcome),
    ),
  );
  let newSeen = 0;
  const leads = outcomes.map((outcome, i) => {
    const ago =
      outcome === 'new'
        ? newSeen++ < FRESH_NEW
          ? rng.minutes(6, 55) // waiting for a first call, the hour still running
          : rng.minutes(4 * 60, 3 * 24 * 60) // nobody called: the misses a manager should see
        : rng.minutes(AGE_DAYS[outcome][0] * 24 * 60, AGE_DAYS[outcome][1] * 24 * 60);
    return { outcome, market: markets[i], at: new Date(now.getTime() - ago) };
  });
  leads.sort((a, b) => a.at.getTime() - b.at.getTime());
  // The four newest untouched leads wait for someone to take them.
  const newest = leads.flatMap((l, i) => (l.outcome === 'new' ? [i] : [])).slice(-4);
  const usedNames = new Set<string>();
  const events = leads.flatMap((l, i) =>
    planLead(ctx, i, l.at, l.market, l.outcome, newest.includes(i), usedNames),
  );
  return events.sort((a, b) => a.at.getTime() - b.at.getTime());
}

function planLead(
  ctx: LeadPlanContext,
  index: number,
  createdAt: Date,
  market: Market,
  outcome: LeadOutcome,
  unassigned: boolean,
  usedNames: Set<string>,
): LeadSeedEvent[] {
  const { rng, zone } = ctx;
  const story = new LeadStory(index, ctx.now.getTime() - MINUTE_MS);
  const status = (name: LeadStatusName) => ctx.statuses.get(name)!;
  const owner = ctx.staffIds.get(rng.pick(market.owners))!;
  const sourceName = rng.weighted(market.sources);
  // Staff add referrals and trade-show contacts by hand; the rest come in through forms and ads.
  const byHand = sourceName === 'Referral' || sourceName === 'Trade show';
  let name: string;
  do name = `${rng.pick(market.firstNames)} ${rng.pick(market.lastNames)}`;
  while (usedNames.has(name) && usedNames.size < 200);
  usedNames.add(name);
  const company = rng.pick(market.companies);
  const country = ctx.countries.get(market.iso2)!;
  // Leads in the pipeline have an owner from the start, except web leads that wait to be taken.
  const assignedAtCreation = unassigned || (!byHand && rng.chance(0.3)) ? 0 : owner;
  const addedAt = byHand ? nextBusinessInstant(createdAt, zone, rng) : createdAt;

  story.add(addedAt, {
    kind: 'create',
    input: {
      name,
      company,
      email: `${ascii(name).replace(/\s+/g, '.')}@${ascii(company).replace(/\s+/g, '-')}.example`,
      phonenumber: `+${country.callingCode} ${rng.int(100, 999)} ${rng.int(1000, 9999)} ${rng.int(100, 999)}`,
      country: country.id,
      status: status('New'),
      source: ctx.sources.get(sourceName)!,
      assigned: assignedAtCreation,
      addedfrom: byHand ? owner : 0,
      lead_value: rng.int(5, 400) * 100,
      date: addedAt,
    },
  });
  if (outcome === 'new') return story.events;

  /** The next working moment `min`-`max` minutes after the last step. */
  const later = (min: number, max: number) => nextBusinessInstant(story.after(rng, min, max), zone, rng);
  if (assignedAtCreation === 0)
    story.add(later(5, 240), { kind: 'edit', staff: owner, data: { assigned: owner } });
  if (outcome === 'junk') {
    story.add(later(10, 600), { kind: 'junk', staff: owner });
    return story.events;
  }
  story.add(later(10, 300), {
    kind: 'edit',
    staff: owner,
    data: { status: status('Contacted'), contacted_today: true },
  });
  if (outcome === 'contacted' || (outcome === 'lost' && rng.chance(0.5))) {
    if (outcome === 'lost') story.add(later(1440, 5 * 1440), { kind: 'lost', staff: owner });
    return story.events;
  }
  story.add(later(1440, 3 * 1440), { kind: 'edit', staff: owner, data: { status: status('Qualified') } });
  if (outcome === 'qualified') return story.events;
  if (outcome === 'lost') {
    story.add(later(1440, 5 * 1440), { kind: 'lost', staff: owner });
    return story.events;
  }
  if (outcome === 'on_hold') {
    story.add(later(1440, 3 * 1440), { kind: 'kanban', staff: owner, status: status('On hold') });
    return story.events;
  }
  // The proposal goes out from the kanban board: a drag, so only lead_status_changed fires.
  story.add(later(1440, 4 * 1440), { kind: 'kanban', staff: owner, status: status('Proposal') });
  if (outcome === 'waiting') {
    story.add(later(720, 2 * 1440), {
      kind: 'edit',
      staff: owner,
      data: { status: status('Waiting on customer'), contacted_today: true },
    });
  } else if (outcome === 'converted') {
    story.add(later(2 * 1440, 6 * 1440), { kind: 'convert', staff: owner });
  }
  return story.events;
}

/**
 * One lead's steps in order, each at least a second after the previous. Unlike a ticket's story
 * a lead's never ends early: a step wanted after the cut-off is pulled in to halfway between the
 * last step and the cut-off, so every lead reaches its planned state before `now`.
 */
class LeadStory {
  readonly events: LeadSeedEvent[] = [];
  private last = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly lead: number,
    private readonly cutoff: number,
  ) {}

  add(at: Date, action: LeadSeedAction): void {
    let ms = Math.max(Math.floor(at.getTime() / 1000) * 1000, this.last + 1000);
    // Hand-added leads come in during office hours, which may be after now: they are then
    // added five minutes ago at the latest.
    if (this.events.length === 0) ms = Math.min(ms, this.cutoff - 4 * MINUTE_MS);
    else if (ms > this.cutoff)
      ms = this.last + Math.max(1000, Math.floor((this.cutoff - this.last) / 2000) * 1000);
    this.last = ms;
    const when = new Date(ms);
    const timed = action.kind === 'create' ? { ...action, input: { ...action.input, date: when } } : action;
    this.events.push({ at: when, lead: this.lead, action: timed });
  }

  after(rng: Random, min: number, max: number): Date {
    return new Date(this.last + rng.minutes(min, max));
  }
}

function shuffle<T>(rng: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** "Léa Müller" -> "lea muller", for made-up email addresses. */
function ascii(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9 ]+/g, '')
    .trim();
}
