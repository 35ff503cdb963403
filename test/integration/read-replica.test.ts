import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createDb } from '../../src/store/db';
import { createModuleServices } from '../../src/wiring/module-services';
import { loadConfig } from '../../src/config';
import { openStandaloneHost } from '../../src/host/standalone-host';
import { insertOpenTickets, insertStaff } from '../helpers/host-fixtures';
import { hourlyResolutionPolicy } from '../helpers/sla-fixtures';
import { createTicketListColumn } from '../../src/web/ticket-list-column';
import { createTranslator } from '../../src/i18n/translator';

/**
 * DATABASE_READ_URL: the read models read the replica, every write goes to the primary. The
 * "replica" here is a copy of the primary database taken at one moment, reached as a user that
 * may only SELECT: it is visibly behind the primary afterwards, and a write sent to it would fail.
 */
const SERVER = process.env.TEST_DATABASE_SERVER_URL ?? 'mysql://root@127.0.0.1:3306/';
const clock = new MutableClock(new Date('2026-03-03T08:00:00Z'));
const user = `slav_ro_${crypto.randomBytes(4).toString('hex')}`;
const password = crypto.randomBytes(8).toString('hex');
let t: TestDevhost;
let root: Knex;
let replicaName: string;
let readDb: Knex;
let department: number;
const LIST = { sort: 'ticket', dir: 'asc', page: 1, perPage: 25 } as const;

/** Copies every table of the primary into a new database and lets `user` read (only) that. */
async function copyIntoReplica(primary: string): Promise<void> {
  await root.raw(`CREATE DATABASE \`${replicaName}\``);
  const [tables] = (await root.raw(
    'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ?',
    [primary],
  )) as unknown as [{ name: string }[]];
  for (const { name } of tables) {
    await root.raw(`CREATE TABLE \`${replicaName}\`.\`${name}\` LIKE \`${primary}\`.\`${name}\``);
    // Generated columns are computed again on the copy; they take no values.
    const [columns] = (await root.raw(
      `SELECT column_name AS c FROM information_schema.columns
       WHERE table_schema = ? AND table_name = ? AND extra NOT LIKE '%GENERATED%'`,
      [primary, name],
    )) as unknown as [{ c: string }[]];
    const list = columns.map(({ c }) => `\`${c}\``).join(', ');
    await root.raw(
      `INSERT INTO \`${replicaName}\`.\`${name}\` (${list}) SELECT ${list} FROM \`${primary}\`.\`${name}\``,
    );
  }
  await root.raw(`CREATE USER ?@'%' IDENTIFIED BY ?`, [user, password]);
  await root.raw(`GRANT SELECT ON \`${replicaName}\`.* TO ?@'%'`, [user]);
}

function replicaUrl(): string {
  const url = new URL(SERVER);
  url.username = user;
  url.password = password;
  url.pathname = `/${replicaName}`;
  return url.toString();
}

beforeAll(async () => {
  t = await startTestDevhost({ clock });
  root = createDb(SERVER, { min: 0, max: 1 });
  replicaName = `${t.database.name}_replica`;
  const db = t.devhost.db;
  [department] = await db('tbldepartments').insert({ name: 'Support' });
  const staff = await insertStaff(db, 'fay.first@example.com', 'pw123456');
  await insertOpenTickets(db, 3, department, '2026-03-03 08:00:00');
  const services = createModuleServices(t.devhost.host);
  await services.config.import({ policies: [hourlyResolutionPolicy(staff)] });
  await services.scanner.run(clock.now(), { deliver: false });
  await copyIntoReplica(t.database.name);
  readDb = createDb(replicaUrl());
});
afterAll(async () => {
  await readDb?.destroy();
  await root.raw(`DROP USER IF EXISTS ?@'%'`, [user]);
  await root.raw(`DROP DATABASE IF EXISTS \`${replicaName}\``);
  await root.destroy();
  await t.close();
});

it('the read models read the replica while the scan writes to the primary', async () => {
  const split = createModuleServices({ ...t.devhost.host, readDb });
  const primaryOnly = createModuleServices(t.devhost.host);
  // The primary moves on: two more tickets, recorded and escalated by a scan (writes: the replica
  // user could not have made them).
  await insertOpenTickets(t.devhost.db, 2, department, '2026-03-03 08:00:00');
  clock.set(new Date('2026-03-03T09:01:00Z'));
  const scanned = await split.scanner.run(clock.now(), { deliver: false });
  expect(scanned).toMatchObject({ changed: 2, escalated: 5 });
  expect(await t.devhost.db('tblsla_vigil_escalations').count({ n: '*' })).toEqual([{ n: 5 }]);
  expect(await readDb('tblsla_vigil_escalations').count({ n: '*' })).toEqual([{ n: 0 }]);

  // Dashboard and monitor: the replica's moment (3 tickets, on track at 08:00) ...
  const now = clock.now();
  const card = await split.dashboard.scorecard(now, 'UTC', 30);
  const monitor = await split.monitor.list(LIST, now);
  expect(card.openUnderSla).toBe(3);
  expect(monitor.total).toBe(3);
  // ... where the primary already has five, breached and escalated.
  expect((await primaryOnly.dashboard.scorecard(now, 'UTC', 30)).openUnderSla).toBe(5);
  expect((await primaryOnly.monitor.list(LIST, now)).total).toBe(5);

  // The host list's SLA badges too: the new tickets are not on the replica yet.
  const ids = (await t.devhost.db('tbltickets').orderBy('ticketid').pluck('ticketid')) as number[];
  const admin = (await t.devhost.db('tblstaff').where('admin', 1).first('staffid')) as { staffid: number };
  const cells = await createTicketListColumn({ ...t.devhost.host, readDb }, createTranslator()).render(
    ids,
    admin.staffid,
    'english',
  );
  expect(ids.map((id) => cells.get(id)?.includes('Not seen by SLA Vigil yet'))).toEqual([
    false,
    false,
    false,
    true,
    true,
  ]);

  // The replica user may only read.
  await expect(readDb('tblsla_vigil_clocks').delete()).rejects.toThrow(/command denied/i);
});

it('DATABASE_READ_URL gives the command line host a second connection, to the replica', async () => {
  const host = await openStandaloneHost(
    loadConfig({ DATABASE_URL: t.database.url, DATABASE_READ_URL: replicaUrl() }),
  );
  try {
    const [[{ primary }]] = (await host.db.raw('SELECT DATABASE() AS `primary`')) as unknown as [
      [{ primary: string }],
    ];
    const [[{ replica }]] = (await host.readDb?.raw('SELECT DATABASE() AS replica')) as unknown as [
      [{ replica: string }],
    ];
    expect({ primary, replica }).toEqual({ primary: t.database.name, replica: replicaName });
  } finally {
    await host.close();
  }
  const plain = await openStandaloneHost(loadConfig({ DATABASE_URL: t.database.url }));
  expect(plain.readDb).toBeUndefined();
  await plain.close();
});
