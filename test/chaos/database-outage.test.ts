import pino from 'pino';
import type { Knex } from 'knex';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createDb } from '../../src/store/db';
import { PerfexTicketGateway } from '../../src/host/perfex/perfex-ticket-gateway';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { twoLevelEscalationScene } from '../helpers/sla-fixtures';
import { TcpProxy } from '../helpers/tcp-proxy';

// The database goes away in the middle of a scan that is escalating and sending, stays away for
// a while, and comes back: nothing is lost, no level fires twice, nobody gets a second email.
const TICKETS = 200;
const clock = new MutableClock(new Date('2026-03-03T08:00:00Z'));
let t: TestDevhost;
let proxy: TcpProxy;
let viaProxy: Knex;
let services: ModuleServices;

beforeAll(async () => {
  t = await startTestDevhost({ clock });
  proxy = new TcpProxy(3306);
  await proxy.up();
  const url = new URL(t.database.url);
  url.port = String(proxy.port);
  viaProxy = createDb(url.toString());
  const host = t.devhost.host;
  services = createModuleServices({
    ...host,
    db: viaProxy,
    tickets: new PerfexTicketGateway(viaProxy, host.tablePrefix, host.timezone),
    logger: pino({ level: 'silent' }),
    mail: { ...host.mail, smtpUrl: `smtp://127.0.0.1:${t.devhost.mailbox.port}` },
  });
  await twoLevelEscalationScene(t.devhost.db, TICKETS, (doc) => services.config.import(doc));
  await services.scanner.run(clock.now());
}, 120_000);
afterAll(async () => {
  await services.mailer.close();
  await viaProxy.destroy();
  await proxy.down();
  await t.close();
});

const count = async (table: string, where: Record<string, unknown> = {}) =>
  Number((await t.devhost.db(table).where(where).count({ n: '*' }))[0].n);

it('a scan cut off by a database outage resumes after it: every level once, every email once', async () => {
  clock.set(new Date('2026-03-03T09:06:00Z'));
  const interrupted = services.scanner.run(clock.now());
  // Cut the database once the escalation is under way (or has committed and mail is going out).
  while ((await count('tblsla_vigil_escalations')) === 0 && (await count('tblsla_vigil_outbox')) === 0) {
    await new Promise((r) => setTimeout(r, 2));
  }
  await proxy.down();
  await expect(interrupted).rejects.toThrow();
  // While it is away, scans fail fast instead of hanging or half-writing.
  await expect(services.scanner.run(clock.now())).rejects.toThrow();

  await proxy.up();
  clock.set(new Date('2026-03-03T09:07:00Z'));
  const resumed = await services.scanner.run(clock.now());
  expect(resumed.failed).toBe(0);
  // Mails a killed sender had claimed are due again after the send lease.
  clock.set(new Date('2026-03-03T09:30:00Z'));
  await services.scanner.run(clock.now());

  expect(await count('tblsla_vigil_escalations')).toBe(2 * TICKETS);
  const outbox: { state: string; n: number }[] = await t.devhost
    .db('tblsla_vigil_outbox')
    .where('channel', 'email')
    .select('state')
    .count({ n: '*' })
    .groupBy('state');
  expect(outbox.map((o) => [o.state, Number(o.n)])).toEqual([['sent', 2 * TICKETS]]);
  const perRecipient: { rcpt_to: string; n: number }[] = await t.devhost
    .db('tbldevhost_mailbox')
    .select('rcpt_to')
    .countDistinct({ n: 'message_id' })
    .groupBy('rcpt_to');
  expect(perRecipient.map((r) => [r.rcpt_to, Number(r.n)]).sort()).toEqual([
    ['fay.first@example.com', TICKETS],
    ['sid.second@example.com', TICKETS],
  ]);
  expect(await count('tbldevhost_mailbox')).toBe(2 * TICKETS);
});
