import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { PerfexLeadGateway } from '../../src/host/perfex/perfex-lead-gateway';

/**
 * The module's reads of Perfex's lead tables (the devhost has the same tables and columns):
 * wall-clock datetimes become instants in the host's zone, "none" stays 0, a lead with an
 * unreadable creation date is listed apart and never stops the batch.
 */
const ZONE = 'Asia/Kolkata';
const clock = new MutableClock(new Date('2026-03-02T06:30:00Z')); // 12:00 in Kolkata
let t: TestDevhost;
let gateway: PerfexLeadGateway;
let india: number;
let web: number;
let fresh: number;

beforeAll(async () => {
  t = await startTestDevhost({ timezone: ZONE, clock });
  const db = t.devhost.db;
  gateway = new PerfexLeadGateway(db, 'tbl', ZONE);
  india = (await db('tblcountries').where('iso2', 'IN').first()).country_id;
  [web] = await db('tblleads_sources').insert({ name: 'Website form' });
  [fresh] = await db('tblleads_status').insert({
    name: 'New',
    statusorder: 1,
    color: '#0ea5e9',
    isdefault: 0,
  });
});
afterAll(() => t.close());

it('reads a lead in the module vocabulary, its times as instants in the host zone', async () => {
  const id = await t.devhost.leads.create({ name: 'Asha Rao', status: fresh, source: web, country: india });
  const lead = await gateway.getLead(id);
  expect(lead).toMatchObject({
    id,
    name: 'Asha Rao',
    status: fresh,
    source: web,
    country: india,
    assigned: 0,
    lost: false,
    junk: false,
    convertedAt: null,
    createdAt: new Date('2026-03-02T06:30:00Z'),
  });
  const row = await t.devhost.db('tblleads').where('id', id).first();
  // Stored as Kolkata wall clock, read back as the same instant.
  expect(row.dateadded).toBe('2026-03-02 12:00:00');
});

it('lists leads by id after a cursor, an unreadable creation date apart, the rest still read', async () => {
  const good = await t.devhost.leads.create({ name: 'Ben Cho', status: fresh, source: web });
  const [bad] = await t.devhost.db('tblleads').insert({
    name: 'Zero date',
    status: fresh,
    source: web,
    dateadded: '0000-00-00 00:00:00',
    addedfrom: 0,
  });
  const batch = await gateway.listLeadsAfter(good - 1, 10);
  expect(batch.rows.map((l) => l.id)).toEqual([good]);
  expect(batch.unreadable).toEqual([
    { id: bad, subjectId: bad, reason: 'lead zero date "0000-00-00 00:00:00"' },
  ]);
  expect(await gateway.existingLeadIds([good, bad, 999_999])).toEqual(new Set([good, bad]));
});

it('names statuses (the Customer one marked), sources and countries', async () => {
  const statuses = await gateway.listLeadStatuses();
  expect(statuses.find((s) => s.isCustomer)?.name).toBe('Customer');
  expect(statuses.find((s) => s.id === fresh)).toEqual({
    id: fresh,
    name: 'New',
    color: '#0ea5e9',
    order: 1,
    isCustomer: false,
  });
  expect((await gateway.listLeadSources()).map((s) => s.name)).toContain('Website form');
  const countries = await gateway.listCountries();
  expect(countries.find((c) => c.id === india)).toEqual({ id: india, name: 'India', iso2: 'IN' });
  expect(countries.length).toBeGreaterThan(200);
});

it('names the leads the host has open (not lost, junk or converted) among given ids, in one query', async () => {
  const make = (name: string) => t.devhost.leads.create({ name, status: fresh, source: web });
  const [open, lost, junk, converted, unmarked] = [
    await make('Open'),
    await make('Lost'),
    await make('Junk'),
    await make('Converted'),
    await make('Unmarked'),
  ];
  await t.devhost.leads.markLost(lost);
  await t.devhost.leads.markJunk(junk);
  await t.devhost.leads.convert(converted);
  await t.devhost.leads.markLost(unmarked);
  await t.devhost.leads.writeWithoutHooks({ ids: [unmarked], lost: 0 });
  expect(await gateway.openLeadIds([open, lost, junk, converted, unmarked, 999_999])).toEqual(
    new Set([open, unmarked]),
  );
  // As getLead reads it: open exactly when the lead has no end.
  for (const id of [open, lost, junk, converted, unmarked]) {
    const lead = await gateway.getLead(id);
    expect([id, !lead?.lost && !lead?.junk && !lead?.convertedAt]).toEqual([
      id,
      (await gateway.openLeadIds([id])).has(id),
    ]);
  }
  expect(await gateway.openLeadIds([])).toEqual(new Set());
});
