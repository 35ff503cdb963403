import request from 'supertest';
import { startTestDevhost, TEST_API_TOKEN, type TestDevhost } from '../helpers/devhost-fixture';

let t: TestDevhost;
let ticketId: number;
let department: number;

beforeAll(async () => {
  t = await startTestDevhost();
  [department] = await t.devhost.db('tbldepartments').insert({ name: 'Support' });
  ticketId = await t.devhost.tickets.create({ subject: 'Existing', message: 'm', department, admin: 1 });
});
afterAll(() => t.close());

const auth = { Authorization: `Bearer ${TEST_API_TOKEN}` };

/** Everything an API call could write: host rows, the module's rows, and fired hooks. */
async function footprint() {
  const db = t.devhost.db;
  const rows = await Promise.all(
    ['tbltickets', 'tblticket_replies', 'tblsla_vigil_timeline'].map(async (table) => db(table).select()),
  );
  return { rows: JSON.stringify(rows), hooks: t.devhost.hooks.fired.length };
}

type Call = [string, 'post' | 'put' | 'delete', string, Record<string, unknown> | undefined, string];
const cases: Call[] = [
  ['missing subject', 'post', '/api/tickets', { message: 'm', department: 1, admin: 1 }, 'subject'],
  [
    'unknown department',
    'post',
    '/api/tickets',
    { subject: 's', message: 'm', department: 999, admin: 1 },
    'department',
  ],
  [
    'non-numeric priority',
    'post',
    '/api/tickets',
    { subject: 's', message: 'm', department: 1, priority: 'high', admin: 1 },
    'priority',
  ],
  [
    'future date',
    'post',
    '/api/tickets',
    { subject: 's', message: 'm', department: 1, admin: 1, date: '2099-01-01T00:00:00Z' },
    'date',
  ],
  [
    'unknown key',
    'post',
    '/api/tickets',
    { subject: 's', message: 'm', department: 1, admin: 1, colour: 'red' },
    'colour',
  ],
  ['no submitter', 'post', '/api/tickets', { subject: 's', message: 'm', department: 1 }, 'contactid'],
  [
    'unknown contact',
    'post',
    '/api/tickets',
    { subject: 's', message: 'm', department: 1, contactid: 77 },
    'contactid',
  ],
  [
    'bad email',
    'post',
    '/api/tickets',
    { subject: 's', message: 'm', department: 1, email: 'not-mail' },
    'email',
  ],
  ['empty reply', 'post', `/api/tickets/TID/replies`, { message: '', admin: 1 }, 'message'],
  ['reply without admin', 'post', `/api/tickets/TID/replies`, { message: 'x' }, 'admin'],
  ['reply by unknown staff', 'post', `/api/tickets/TID/replies`, { message: 'x', admin: 999 }, 'admin'],
  ['reply to a bad id', 'post', '/api/tickets/abc/replies', { message: 'x', admin: 1 }, 'ticketid'],
  ['reply to a hex id', 'post', '/api/tickets/0x1/replies', { message: 'x', admin: 1 }, 'ticketid'],
  ['reply to an exponent id', 'post', '/api/tickets/1e0/replies', { message: 'x', admin: 1 }, 'ticketid'],
  ['reply to a signed id', 'post', '/api/tickets/+1/replies', { message: 'x', admin: 1 }, 'ticketid'],
  ['unknown status', 'put', `/api/tickets/TID/status`, { status: 42 }, 'status'],
  ['status missing', 'put', `/api/tickets/TID/status`, {}, 'status'],
  ['settings with nothing', 'put', `/api/tickets/TID/settings`, {}, '(body)'],
  ['settings unknown assignee', 'put', `/api/tickets/TID/settings`, { assigned: 999 }, 'assigned'],
  ['bulk with no ids', 'post', '/api/tickets/bulk-status', { ids: [], status: 2 }, 'ids'],
  ['bulk unknown ticket', 'post', '/api/tickets/bulk-status', { ids: [987654], status: 2 }, 'ids'],
  ['merge into itself', 'post', '/api/tickets/merge', { primary: 1, ids: [1] }, 'ids'],
  ['merge unknown primary', 'post', '/api/tickets/merge', { primary: 987654, ids: [1] }, 'ticketid'],
];

describe('devhost JSON API rejects bad input, names the field and writes nothing', () => {
  it.each(cases)('%s', async (_name, method, url, body, field) => {
    const before = await footprint();
    const res = await request(t.devhost.app)
      [method](url.replace('TID', String(ticketId)))
      .set(auth)
      .send(body);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(JSON.stringify(res.body)).toContain(field);
    expect(await footprint()).toEqual(before);
  });

  it('a missing or wrong bearer token is 401 and writes nothing', async () => {
    const before = await footprint();
    const res = await request(t.devhost.app)
      .post('/api/tickets')
      .set({ Authorization: 'Bearer nope' })
      .send({});
    expect(res.status).toBe(401);
    expect((await request(t.devhost.app).post('/api/tickets').send({})).status).toBe(401);
    expect(await footprint()).toEqual(before);
  });

  it('malformed JSON is a 400 naming the problem', async () => {
    const res = await request(t.devhost.app)
      .post('/api/tickets')
      .set(auth)
      .set('Content-Type', 'application/json')
      .send('{"subject": ');
    expect(res.status).toBe(400);
  });
});
