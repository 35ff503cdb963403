import type { Knex } from 'knex';
import pino from 'pino';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { createDb } from '../../src/store/db';
import { migrateLatest } from '../../src/store/migrator';
import { createHostTables } from '../../devhost/schema';
import { createPerfexHostParts } from '../../src/host/perfex/perfex-host-parts';
import { createModuleServices } from '../../src/wiring/module-services';
import { ScanQueue, SCAN_QUEUE } from '../../src/scan/scan-queue';
import { BACKLOG_SHARES, ScanWorker } from '../../src/scan/scan-worker';
import { BACKLOG_CLOCKS } from '../../src/scan/scanner';
import {
  createTestDatabase,
  dropRedisPrefix,
  TEST_REDIS_URL,
  testRedisPrefix,
  type TestDatabase,
} from '../helpers/test-database';
import { insertOpenTickets, insertStaff } from '../helpers/host-fixtures';
import { hourlyResolutionPolicy } from '../helpers/sla-fixtures';

/**
 * Two workers (as two `sla-vigil worker` processes would: services of their own, one queue) on a
 * backlog of due clocks: the scan hands it out as advance jobs, both workers take some, and every
 * clock escalates exactly once.
 */
const TICKETS = BACKLOG_CLOCKS + 300;
const OPENED = new Date('2026-03-03T08:00:00Z');
const DUE = new Date('2026-03-03T09:01:00Z');

let database: TestDatabase;
let db: Knex;
const prefix = testRedisPrefix();
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

async function servicesAt(now: Date) {
  const parts = await createPerfexHostParts(db, 'tbl');
  return createModuleServices({
    db,
    tablePrefix: 'tbl',
    timezone: parts.timezone,
    tickets: parts.tickets,
    clock: { now: () => now },
    logger,
    mail: { smtpUrl: 'smtp://127.0.0.1:1', from: 'sla@localhost', adminBaseUrl: 'http://localhost' },
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url);
  await createHostTables(db, 'tbl');
  await migrateLatest(db, 'tbl');
});
afterAll(async () => {
  await db.destroy();
  await database.drop();
  await dropRedisPrefix(prefix);
});

it('two workers share a backlog of due clocks in advance jobs; each clock escalates once', async () => {
  const [department] = await db('tbldepartments').insert({ name: 'Support' });
  const staff = await insertStaff(db, 'fay.first@example.com', 'pw123456');
  await insertOpenTickets(db, TICKETS, department, '2026-03-03 08:00:00');
  const setup = await servicesAt(OPENED);
  await setup.config.import({ policies: [hourlyResolutionPolicy(staff)] });
  await setup.scanner.run(OPENED, { deliver: false });

  // Two workers with services of their own; mail is not what this test is about.
  const noMail = { sendDue: async () => ({}) };
  const workers = await Promise.all(
    ['worker 0', 'worker 1'].map(async (name) => {
      const services = await servicesAt(DUE);
      return new ScanWorker(TEST_REDIS_URL, prefix, services.scanner, { now: () => DUE }, logger, {
        deliveries: noMail,
        name,
      });
    }),
  );
  const connection = new IORedis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(SCAN_QUEUE, { connection, prefix });
  const requester = new ScanQueue(TEST_REDIS_URL, prefix);
  try {
    await requester.request(DUE);
    for (let i = 0; i < 600; i++) {
      const counts = await queue.getJobCounts('completed', 'failed');
      if (counts.completed + counts.failed >= 1 + BACKLOG_SHARES) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const completed = await queue.getJobs(['completed']);
    const advance = completed.filter((j) => j.name === 'advance');
    expect(await queue.getJobCounts('completed', 'failed')).toEqual({
      completed: 1 + BACKLOG_SHARES,
      failed: 0,
    });
    // Both workers took part (BullMQ names the worker that processed each job).
    expect(new Set(advance.map((j) => j.processedBy))).toEqual(new Set(['worker 0', 'worker 1']));
    const scan = completed.find((j) => j.name === 'scan');
    expect(scan?.returnvalue).toMatchObject({ sharedInto: BACKLOG_SHARES, advanced: 0 });
    const advanced = advance.reduce((sum, j) => sum + (j.returnvalue as { advanced: number }).advanced, 0);
    expect(advanced).toBe(TICKETS);
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await requester.close();
    await queue.close();
    connection.disconnect();
  }

  const escalations = await db('tblsla_vigil_escalations').select('subject_id');
  expect(escalations).toHaveLength(TICKETS);
  expect(new Set(escalations.map((e) => e.subject_id)).size).toBe(TICKETS);
  const outbox = await db('tblsla_vigil_outbox').select('dedupe_key');
  expect(outbox).toHaveLength(TICKETS);
  expect(new Set(outbox.map((o) => o.dedupe_key)).size).toBe(TICKETS);
  const [{ due }] = await db('tblsla_vigil_clocks')
    .where('next_check_at', '<=', '2026-03-03 09:01:00')
    .count({ due: '*' });
  expect(Number(due)).toBe(0);
});
