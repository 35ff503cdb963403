import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { insertStaff } from '../helpers/host-fixtures';
import { MutableClock } from '../../devhost/mutable-clock';
import { ValidationError } from '../../devhost/validation-error';
import { LEAD_HOOKS } from '../../devhost/lead-events';

// 20:30 UTC is 02:00 the next day in Kolkata: wall clock, like Perfex stores it.
const NOW = new Date('2026-03-02T20:30:00Z');
const clock = new MutableClock(NOW);
let t: TestDevhost;
const ids = { newStatus: 0, contacted: 0, google: 1, referral: 0, priya: 0, jonas: 0, de: 0, india: 0 };

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'Asia/Kolkata', clock });
  const db = t.devhost.db;
  [ids.newStatus] = await db('tblleads_status').insert({ name: 'New', statusorder: 1, color: '#2563eb' });
  [ids.contacted] = await db('tblleads_status').insert({
    name: 'Contacted',
    statusorder: 2,
    color: '#f59e0b',
  });
  [ids.referral] = await db('tblleads_sources').insert({ name: 'Referral' });
  ids.priya = await insertStaff(db, 'priya.nair@x.test', 'pw123456');
  ids.jonas = await insertStaff(db, 'jonas.weber@x.test', 'pw123456');
  ids.de = (await db('tblcountries').where('iso2', 'DE').first()).country_id;
  ids.india = (await db('tblcountries').where('iso2', 'IN').first()).country_id;
});
afterAll(() => t.close());

const db = () => t.devhost.db;
const leads = () => t.devhost.leads;
const fired = (mark: number) => t.devhost.hooks.fired.slice(mark);
const mark = () => t.devhost.hooks.fired.length;

function newLead(extra: Record<string, unknown> = {}): Promise<number> {
  return leads().create({
    name: 'Ravi Kumar',
    company: 'Kumar Textiles',
    email: 'ravi@kumar.example',
    status: ids.newStatus,
    source: ids.google,
    country: ids.india,
    addedfrom: ids.priya,
    ...extra,
  });
}

describe('lead tables as Perfex has them', () => {
  it('creates tblleads with every column PERFEX.md names', async () => {
    const columns = Object.keys(await db()('tblleads').columnInfo()).sort();
    expect(columns).toEqual(
      [
        'id',
        'name',
        'company',
        'email',
        'phonenumber',
        'country',
        'status',
        'source',
        'assigned',
        'dateadded',
        'dateassigned',
        'last_status_change',
        'lastcontact',
        'addedfrom',
        'lost',
        'junk',
        'date_converted',
        'client_id',
        'lead_value',
        'default_language',
        'is_public',
        'from_form_id',
      ].sort(),
    );
    const info = await db()('tblleads').columnInfo();
    expect(info.dateadded.type).toBe('datetime');
    expect(info.dateassigned.type).toBe('date');
    expect(info.lastcontact.nullable).toBe(true);
    expect(info.date_converted.nullable).toBe(true);
    expect(Object.keys(await db()('tbllead_activity_log').columnInfo())).toEqual(
      expect.arrayContaining(['leadid', 'description', 'additional_data', 'date', 'staffid', 'full_name']),
    );
  });

  it('starts like a fresh install: the one isdefault status "Customer", sources Google and Facebook', async () => {
    const statuses = await db()('tblleads_status').where('isdefault', 1).select('id', 'name');
    expect(statuses).toEqual([{ id: 1, name: 'Customer' }]);
    expect(await leads().customerStatus()).toBe(1);
    const sources = await db()('tblleads_sources').whereIn('id', [1, 2]).orderBy('id').pluck('name');
    expect(sources).toEqual(['Google', 'Facebook']);
  });

  it('seeds the full ISO 3166 list into tblcountries', async () => {
    const [{ n }] = await db()('tblcountries').count({ n: '*' });
    expect(Number(n)).toBe(249);
    const rows = await db()('tblcountries')
      .whereIn('iso2', ['DE', 'IN', 'US', 'SG', 'FR'])
      .orderBy('iso2')
      .select('iso2', 'short_name', 'iso3', 'numcode', 'calling_code', 'cctld', 'un_member');
    expect(rows).toEqual([
      {
        iso2: 'DE',
        short_name: 'Germany',
        iso3: 'DEU',
        numcode: '276',
        calling_code: '49',
        cctld: '.de',
        un_member: 'yes',
      },
      {
        iso2: 'FR',
        short_name: 'France',
        iso3: 'FRA',
        numcode: '250',
        calling_code: '33',
        cctld: '.fr',
        un_member: 'yes',
      },
      {
        iso2: 'IN',
        short_name: 'India',
        iso3: 'IND',
        numcode: '356',
        calling_code: '91',
        cctld: '.in',
        un_member: 'yes',
      },
      {
        iso2: 'SG',
        short_name: 'Singapore',
        iso3: 'SGP',
        numcode: '702',
        calling_code: '65',
        cctld: '.sg',
        un_member: 'yes',
      },
      {
        iso2: 'US',
        short_name: 'United States',
        iso3: 'USA',
        numcode: '840',
        calling_code: '1',
        cctld: '.us',
        un_member: 'yes',
      },
    ]);
    // Unique codes, and no code that ISO has not assigned.
    const codes = await db()('tblcountries').pluck('iso2');
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).not.toContain('XK');
  });
});

describe('lead actions fire the lead hooks PERFEX.md lists, with int arguments', () => {
  it('lead_created with the new id; dates are wall clock in default_timezone', async () => {
    const m = mark();
    const id = await newLead({ assigned: ids.priya });
    expect(fired(m)).toEqual([{ event: 'lead_created', payload: id }]);
    expect(typeof fired(m)[0].payload).toBe('number');
    const row = await leads().getRow(id);
    expect(row).toMatchObject({
      dateadded: '2026-03-03 02:00:00',
      dateassigned: '2026-03-03',
      last_status_change: '2026-03-03 02:00:00',
      lastcontact: null,
      assigned: ids.priya,
      addedfrom: ids.priya,
      lost: 0,
      junk: 0,
      date_converted: null,
      client_id: 0,
    });
    const log = await db()('tbllead_activity_log').where('leadid', id);
    expect(log).toEqual([
      expect.objectContaining({ description: 'Lead created', staffid: ids.priya, full_name: 'Priya Nair' }),
    ]);
  });

  it('the edit form: lead_status_changed {lead_id, old_status, new_status} first, then after_lead_updated', async () => {
    const id = await newLead();
    clock.set(new Date('2026-03-03T05:00:00Z'));
    const m = mark();
    const changed = await leads().update(
      id,
      { status: String(ids.contacted), assigned: String(ids.jonas), country: ids.de },
      ids.jonas,
    );
    expect(changed.sort()).toEqual(['assigned', 'country', 'dateassigned', 'last_status_change', 'status']);
    expect(fired(m)).toEqual([
      {
        event: 'lead_status_changed',
        payload: { lead_id: id, old_status: ids.newStatus, new_status: ids.contacted },
      },
      { event: 'after_lead_updated', payload: id },
    ]);
    const payload = fired(m)[0].payload as Record<string, unknown>;
    for (const key of ['lead_id', 'old_status', 'new_status']) expect(typeof payload[key]).toBe('number');
    expect(await leads().getRow(id)).toMatchObject({
      status: ids.contacted,
      assigned: ids.jonas,
      country: ids.de,
      dateassigned: '2026-03-03',
      last_status_change: '2026-03-03 10:30:00',
    });
    clock.set(NOW);
  });

  it('assignment, source and country edits alone fire only after_lead_updated; an unchanged save fires nothing', async () => {
    const id = await newLead();
    let m = mark();
    await leads().update(id, { source: ids.referral });
    await leads().update(id, { assigned: ids.jonas });
    await leads().update(id, { country: 0 });
    expect(fired(m)).toEqual([
      { event: 'after_lead_updated', payload: id },
      { event: 'after_lead_updated', payload: id },
      { event: 'after_lead_updated', payload: id },
    ]);
    m = mark();
    expect(await leads().update(id, { source: ids.referral, name: 'Ravi Kumar' })).toEqual([]);
    expect(fired(m)).toEqual([]);
  });

  it('the kanban drag fires only lead_status_changed; dropping it on its own status fires nothing', async () => {
    const id = await newLead();
    const m = mark();
    expect(await leads().changeStatus(id, { status: ids.contacted })).toBe(true);
    expect(await leads().changeStatus(id, { status: ids.contacted })).toBe(false);
    expect(fired(m)).toEqual([
      {
        event: 'lead_status_changed',
        payload: { lead_id: id, old_status: ids.newStatus, new_status: ids.contacted },
      },
    ]);
  });

  it('"contacted today" sets lastcontact to now (wall clock) through after_lead_updated', async () => {
    const id = await newLead();
    clock.set(new Date('2026-03-03T09:15:00Z'));
    const m = mark();
    await leads().markContacted(id, ids.priya);
    expect(fired(m)).toEqual([{ event: 'after_lead_updated', payload: id }]);
    expect((await leads().getRow(id)).lastcontact).toBe('2026-03-03 14:45:00');
    clock.set(NOW);
  });

  it('lead_marked_as_lost and lead_marked_as_junk with the id; marking twice is refused naming the field', async () => {
    const lost = await newLead();
    const junk = await newLead();
    const m = mark();
    await leads().markLost(lost);
    await leads().markJunk(junk);
    expect(fired(m)).toEqual([
      { event: 'lead_marked_as_lost', payload: lost },
      { event: 'lead_marked_as_junk', payload: junk },
    ]);
    expect(await leads().getRow(lost)).toMatchObject({ lost: 1, junk: 0 });
    expect(await leads().getRow(junk)).toMatchObject({ lost: 0, junk: 1 });
    await expect(leads().markLost(lost)).rejects.toMatchObject({ errors: [{ field: 'lost' }] });
    await expect(leads().markJunk(junk)).rejects.toMatchObject({ errors: [{ field: 'junk' }] });
  });

  it('before_lead_deleted sees the lead still there, after_lead_deleted sees it gone', async () => {
    const id = await newLead();
    const seen: [string, boolean][] = [];
    const exists = async () => Boolean(await db()('tblleads').where('id', id).first());
    const off1 = t.devhost.hooks.on('before_lead_deleted', async (leadId) => {
      seen.push(['before', leadId === id && (await exists())]);
    });
    const off2 = t.devhost.hooks.on('after_lead_deleted', async (leadId) => {
      seen.push(['after', leadId === id && !(await exists())]);
    });
    const m = mark();
    await leads().delete(id);
    off1();
    off2();
    expect(fired(m)).toEqual([
      { event: 'before_lead_deleted', payload: id },
      { event: 'after_lead_deleted', payload: id },
    ]);
    expect(seen).toEqual([
      ['before', true],
      ['after', true],
    ]);
    expect(await db()('tbllead_activity_log').where('leadid', id)).toEqual([]);
  });

  it('fires nothing but the hooks PERFEX.md names', () => {
    const leadEvents = t.devhost.hooks.fired.map((f) => f.event).filter((e) => e.includes('lead'));
    expect(leadEvents.every((e) => (LEAD_HOOKS as readonly string[]).includes(e))).toBe(true);
  });
});

describe('changes without a hook (the module must reconcile them)', () => {
  it('converting to a customer moves the status to the isdefault one and creates the client, with no hook', async () => {
    const id = await newLead({ company: 'Nair Exports' });
    const m = mark();
    const clientId = await leads().convert(id, ids.priya);
    expect(fired(m)).toEqual([]);
    const row = await leads().getRow(id);
    expect(row).toMatchObject({
      status: 1,
      client_id: clientId,
      date_converted: '2026-03-03 02:00:00',
      last_status_change: '2026-03-03 02:00:00',
    });
    expect(await db()('tblclients').where('userid', clientId).first()).toMatchObject({
      company: 'Nair Exports',
    });
    await expect(leads().convert(id)).rejects.toMatchObject({ errors: [{ field: 'id' }] });
  });

  it('a direct write changes only the columns given, and fires nothing', async () => {
    const a = await newLead();
    const b = await newLead();
    const before = await leads().getRow(a);
    const m = mark();
    const updated = await leads().writeWithoutHooks({
      ids: [a, b],
      status: ids.contacted,
      assigned: ids.jonas,
      source: ids.referral,
    });
    expect(updated).toBe(2);
    expect(fired(m)).toEqual([]);
    expect(await leads().getRow(a)).toEqual({
      ...before,
      status: ids.contacted,
      assigned: ids.jonas,
      source: ids.referral,
    });
    await expect(leads().writeWithoutHooks({ ids: [a, 999_999], lost: 1 })).rejects.toMatchObject({
      errors: [{ field: 'ids' }],
    });
  });

  it('an import inserts leads without lead_created', async () => {
    const m = mark();
    const [id] = await leads().importWithoutHooks([
      { name: 'Imported', status: ids.newStatus, source: ids.google, country: ids.de },
    ]);
    expect(fired(m)).toEqual([]);
    expect(await leads().getRow(id)).toMatchObject({ name: 'Imported', country: ids.de });
    await expect(leads().importWithoutHooks([{ name: 'x', status: 999, source: 1 }])).rejects.toMatchObject({
      errors: [{ field: 'rows.0.status' }],
    });
  });
});

describe('validation names the field', () => {
  it.each([
    [{ name: '', status: 1, source: 1 }, 'name'],
    [{ name: 'x', status: 999, source: 1 }, 'status'],
    [{ name: 'x', status: 1, source: 999 }, 'source'],
    [{ name: 'x', status: 1, source: 1, country: 99_999 }, 'country'],
    [{ name: 'x', status: 1, source: 1, assigned: 99_999 }, 'assigned'],
    [{ name: 'x', status: 1, source: 1, email: 'nope' }, 'email'],
    [{ name: 'x', status: 1, source: 1, date: '2030-01-01T00:00:00Z' }, 'date'],
    [{ name: 'x', status: 1, source: 1, colour: 'red' }, 'colour'],
  ])('create(%j) is refused on %s', async (input, field) => {
    const err = await leads()
      .create(input)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).errors.map((e) => e.field)).toContain(field);
  });

  it('an unknown lead is a 404', async () => {
    await expect(leads().markLost(999_999)).rejects.toMatchObject({ status: 404 });
  });
});
