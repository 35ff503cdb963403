import request from 'supertest';
import { startTestDevhost, TEST_API_TOKEN, type TestDevhost } from '../helpers/devhost-fixture';
import { TimelineRepository } from '../../src/store/timeline-repository';

let t: TestDevhost;
let timeline: TimelineRepository;
let department: number;
let contact: { id: number; userid: number };

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'Europe/Berlin' });
  const db = t.devhost.db;
  [department] = await db('tbldepartments').insert({ name: 'Support' });
  const [userid] = await db('tblclients').insert({ company: 'Acme', datecreated: '2026-01-01 00:00:00' });
  const [contactId] = await db('tblcontacts').insert({
    userid,
    firstname: 'Cora',
    lastname: 'Client',
    email: 'cora@acme.test',
    datecreated: '2026-01-01 00:00:00',
  });
  contact = { id: contactId, userid };
  timeline = new TimelineRepository(db, 'tbl');
});
afterAll(() => t.close());

const api = () => request(t.devhost.app);
const auth = { Authorization: `Bearer ${TEST_API_TOKEN}` };

async function createTicket(extra: Record<string, unknown> = {}): Promise<number> {
  const res = await api()
    .post('/api/tickets')
    .set(auth)
    .send({ subject: 'Printer on fire', message: 'Help', department, contactid: contact.id, ...extra });
  expect(res.status).toBe(201);
  return res.body.id as number;
}

function firedSince(mark: number) {
  return t.devhost.hooks.fired.slice(mark).map((f) => f.event);
}

describe('devhost actions fire Perfex hooks and the module records them', () => {
  it('ticket_created with the ticket id; the timeline keeps the past date as an instant', async () => {
    const mark = t.devhost.hooks.fired.length;
    const id = await createTicket({ date: '2026-03-02T08:00:00Z' });
    expect(t.devhost.hooks.fired.slice(mark)).toEqual([{ event: 'ticket_created', payload: id }]);
    const row = await t.devhost.db('tbltickets').where('ticketid', id).first();
    expect(row.date).toBe('2026-03-02 09:00:00'); // wall clock in Europe/Berlin, like Perfex
    const events = await timeline.forSubject('ticket', id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ eventType: 'created', source: 'hook', dedupeKey: 'created' });
    expect(events[0].occurredAt.toISOString()).toBe('2026-03-02T08:00:00.000Z');
  });

  it('after_ticket_reply_added with {id, replyid, admin}; staff and client replies are told apart', async () => {
    const id = await createTicket();
    const mark = t.devhost.hooks.fired.length;
    const staffReply = await api()
      .post(`/api/tickets/${id}/replies`)
      .set(auth)
      .send({ message: 'On it', admin: 1 });
    expect(staffReply.status).toBe(201);
    const clientReply = await api()
      .post(`/api/tickets/${id}/replies`)
      .set(auth)
      .send({ message: 'Thanks', admin: null });
    expect(clientReply.status).toBe(201);
    expect(t.devhost.hooks.fired.slice(mark)).toEqual([
      { event: 'after_ticket_reply_added', payload: { id, replyid: staffReply.body.id, admin: 1 } },
      { event: 'after_ticket_status_changed', payload: { id, status: 3 } },
      { event: 'after_ticket_reply_added', payload: { id, replyid: clientReply.body.id, admin: null } },
      { event: 'after_ticket_status_changed', payload: { id, status: 1 } },
    ]);
    const events = await timeline.forSubject('ticket', id);
    expect(events.map((e) => e.eventType)).toEqual([
      'created',
      'staff_reply',
      'status_changed',
      'client_reply',
      'status_changed',
    ]);
    expect(events[2]).toMatchObject({ fromValue: '1', toValue: '3' });
    expect(events[4]).toMatchObject({ fromValue: '3', toValue: '1' });
  });

  it('after_ticket_status_changed with {id, status}', async () => {
    const id = await createTicket();
    const mark = t.devhost.hooks.fired.length;
    expect((await api().put(`/api/tickets/${id}/status`).set(auth).send({ status: 4 })).status).toBe(200);
    expect(t.devhost.hooks.fired.slice(mark)).toEqual([
      { event: 'after_ticket_status_changed', payload: { id, status: 4 } },
    ]);
    const last = (await timeline.forSubject('ticket', id)).pop();
    expect(last).toMatchObject({ eventType: 'status_changed', fromValue: '1', toValue: '4', source: 'hook' });
  });

  it('ticket_settings_updated with {ticket_id, original_ticket, data}', async () => {
    const id = await createTicket();
    const [other] = await t.devhost.db('tbldepartments').insert({ name: 'Billing' });
    const mark = t.devhost.hooks.fired.length;
    const res = await api()
      .put(`/api/tickets/${id}/settings`)
      .set(auth)
      .send({ department: other, priority: 3 });
    expect(res.status).toBe(200);
    const fired = t.devhost.hooks.fired.slice(mark);
    expect(fired).toHaveLength(1);
    expect(fired[0].event).toBe('ticket_settings_updated');
    expect(fired[0].payload).toMatchObject({
      ticket_id: id,
      original_ticket: { ticketid: id, department, priority: 2 },
      data: { department: other, priority: 3 },
    });
    const events = await timeline.forSubject('ticket', id);
    expect(
      events.filter((e) => e.eventType !== 'created').map((e) => [e.eventType, e.fromValue, e.toValue]),
    ).toEqual([
      ['priority_changed', '2', '3'],
      ['department_changed', String(department), String(other)],
    ]);
  });

  it('after_ticket_deleted with the id', async () => {
    const id = await createTicket();
    const mark = t.devhost.hooks.fired.length;
    expect((await api().delete(`/api/tickets/${id}`).set(auth)).status).toBe(200);
    expect(t.devhost.hooks.fired.slice(mark)).toEqual([{ event: 'after_ticket_deleted', payload: id }]);
    expect((await timeline.forSubject('ticket', id)).pop()).toMatchObject({ eventType: 'deleted' });
  });

  it('after_cron_run from the cron endpoint', async () => {
    const mark = t.devhost.hooks.fired.length;
    expect((await api().post('/api/cron/run').set(auth)).status).toBe(200);
    expect(firedSince(mark)).toEqual(['after_cron_run']);
  });

  it('merge and bulk status change fire no hook and record nothing, like Perfex', async () => {
    const a = await createTicket();
    const b = await createTicket();
    const c = await createTicket();
    const before = await timeline.count();
    const mark = t.devhost.hooks.fired.length;
    expect(
      (
        await api()
          .post('/api/tickets/bulk-status')
          .set(auth)
          .send({ ids: [a, b], status: 2 })
      ).status,
    ).toBe(200);
    expect(
      (
        await api()
          .post('/api/tickets/merge')
          .set(auth)
          .send({ primary: a, ids: [c] })
      ).status,
    ).toBe(200);
    expect(firedSince(mark)).toEqual([]);
    expect(await timeline.count()).toBe(before);
    const merged = await t.devhost.db('tbltickets').where('ticketid', c).first();
    expect(merged).toMatchObject({ merged_ticket_id: String(a), status: 5 });
    expect(merged.subject).toMatch(/ \[MERGED\]$/);
  });
});
