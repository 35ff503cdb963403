import type { Knex } from 'knex';
import type { LeadService } from '../lead-service';
import type { MutableClock } from '../mutable-clock';
import {
  ADDED_LEAD_SOURCES,
  LEAD_STATUSES,
  MARKETS,
  type LeadSourceName,
  type LeadStatusName,
  type MarketCode,
} from './lead-data';
import type { LeadPlanContext, LeadSeedEvent } from './lead-plans';

/**
 * The sales team's lead statuses and sources (added to Perfex's "Customer", Google and
 * Facebook), and the demo markets' countries, as the ids the lead plan needs.
 */
export async function seedLeadPipeline(
  db: Knex,
  prefix: string,
): Promise<Pick<LeadPlanContext, 'statuses' | 'sources' | 'countries'>> {
  const t = (name: string): string => `${prefix}${name}`;
  return db.transaction(async (trx) => {
    const statuses = new Map<LeadStatusName, number>();
    for (const s of LEAD_STATUSES) {
      const [id] = await trx(t('leads_status')).insert({
        name: s.name,
        color: s.color,
        statusorder: s.order,
        isdefault: 0,
      });
      statuses.set(s.name, id);
    }
    for (const name of ADDED_LEAD_SOURCES) await trx(t('leads_sources')).insert({ name });
    const sourceRows: { id: number; name: LeadSourceName }[] = await trx(t('leads_sources')).select(
      'id',
      'name',
    );
    const countryRows: { country_id: number; iso2: MarketCode; calling_code: string }[] = await trx(
      t('countries'),
    )
      .whereIn(
        'iso2',
        MARKETS.map((m) => m.iso2),
      )
      .select('country_id', 'iso2', 'calling_code');
    return {
      statuses,
      sources: new Map(sourceRows.map((s) => [s.name, s.id])),
      countries: new Map(countryRows.map((c) => [c.iso2, { id: c.country_id, callingCode: c.calling_code }])),
    };
  });
}

/**
 * Plays the planned lead events through the devhost's lead actions (so the lead hooks fire as they
 * would live), in step with the ticket replay: `playUntil(at)` plays every event up to `at`,
 * setting the clock to each event's instant (edits have no date of their own).
 */
export class LeadReplay {
  private next = 0;
  private readonly ids = new Map<number, number>();

  constructor(
    private readonly leads: LeadService,
    private readonly clock: MutableClock,
    private readonly events: readonly LeadSeedEvent[],
  ) {}

  get created(): number {
    return this.ids.size;
  }

  async playUntil(at: Date): Promise<void> {
    while (this.next < this.events.length && this.events[this.next].at.getTime() <= at.getTime()) {
      await this.play(this.events[this.next]);
      this.next++;
    }
  }

  private async play(event: LeadSeedEvent): Promise<void> {
    this.clock.set(event.at);
    const { action } = event;
    if (action.kind === 'create') {
      this.ids.set(event.lead, await this.leads.create(action.input));
      return;
    }
    const id = this.ids.get(event.lead);
    if (id === undefined) throw new Error(`seed: lead #${event.lead} used before it was created`);
    switch (action.kind) {
      case 'edit':
        await this.leads.update(id, action.data, action.staff);
        break;
      case 'kanban':
        await this.leads.changeStatus(id, { status: action.status }, action.staff);
        break;
      case 'lost':
        await this.leads.markLost(id, action.staff);
        break;
      case 'junk':
        await this.leads.markJunk(id, action.staff);
        break;
      case 'convert':
        await this.leads.convert(id, action.staff);
        break;
    }
  }
}
