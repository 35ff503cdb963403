import pino from 'pino';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { createDb } from '../../src/store/db';
import { insertOpenTickets, insertStaff } from '../helpers/host-fixtures';
import type { Knex } from 'knex';
import { hourlyResolutionPolicy } from '../helpers/sla-fixtures';

const TICKETS = 2000;
const WORKERS = 4;
const TICKS = 10;
const clock = new MutableClock(new Date('2026-03-03T08:00:00Z'));
let t: TestDevhost;
const pools: Knex[] = [];

beforeAll(async () => {
  t = await startTestDevhost({ clock });
  const db = t.devhost.db;
  const [department] = await db('tbldepartments').insert({ name: 'Support' });
  const lead = await insertStaff(db, 'leo.lead@example.com', 'pw123456');
  await insertOpenTickets(db, TICKETS, department, '2026-03-03 08:00:00');
  const setup = createModuleServices(t.devhost.host);
  await setup.config.import({
    policies: [hourlyResolutionPolicy(lead)],
  });
  await setup.scanner.run(clock.now());
  await setup.mailer.close();
}, 120_000);
afterAll(async () => {
  await Promise.all(pools.map((p) => p.destroy()));
  await t.close();
});

/** A worker process of its own: its own connection pool and services over the same database. */
function worker(): ModuleServices {
  const db = createDb(t.database.url, { min: 0, max: 4 });
  pools.push(db);
  return createModuleServices({ ...t.devhost.host, db, logger: pino({ level: 'silent' }) });
}

it(`${WORKERS} workers x ${TICKS} concurrent ticks over ${TICKETS} due tickets escalate each exactly once`, async () => {
  clock.set(new Date('2026-03-03T09:30:00Z'));
  const workers = Array.from({ length: WORKERS }, worker);
  const results = await Promise.all(
    workers.flatMap((w) => Array.from({ length: TICKS }, () => w.scanner.run(clock.now()))),
  );
  await Promise.all(workers.map((w) => w.mailer.close()));
  expect(results.reduce((n, r) => n + r.escalated, 0)).toBe(TICKETS);
  const db = t.devhost.db;
  const [{ n: escalations }] = await db('tblsla_vigil_escalations').count({ n: '*' });
  expect(Number(escalations)).toBe(TICKETS);
  const perTicket = await db('tblsla_vigil_escalations')
    .select('subject_id')
    .count({ n: '*' })
    .groupBy('subject_id')
    .having(db.raw('count(*) > 1'));
  expect(perTicket).toEqual([]);
  const outbox: { state: string; n: number }[] = await db('tblsla_vigil_outbox')
    .where('channel', 'email')
    .select('state')
    .count({ n: '*' })
    .groupBy('state');
  expect(outbox.map((o) => [o.state, Number(o.n)])).toEqual([['sent', TICKETS]]);
  const [{ n: received }] = await db('tbldevhost_mailbox').count({ n: '*' });
  expect(Number(received)).toBe(TICKETS);
  const [{ n: distinct }] = await db('tbldevhost_mailbox').countDistinct({ n: 'message_id' });
  expect(Number(distinct)).toBe(TICKETS);
}, 300_000);
