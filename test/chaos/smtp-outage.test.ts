import pino from 'pino';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { twoLevelEscalationScene } from '../helpers/sla-fixtures';
import { SmtpSink } from '../helpers/smtp-sink';

// The SMTP server is down while both ladder levels come due and for several scans after: the
// escalations are recorded once, the mails wait in the outbox with backoff, and when SMTP is back
// each recipient gets exactly one email per ticket and level.
const TICKETS = 40;
const clock = new MutableClock(new Date('2026-03-03T08:00:00Z'));
const sink = new SmtpSink();
let t: TestDevhost;
let services: ModuleServices;

beforeAll(async () => {
  t = await startTestDevhost({ clock });
  await sink.start();
  await sink.stop(); // keeps the port: the sender's URL stays the same when it comes back
  services = createModuleServices({
    ...t.devhost.host,
    logger: pino({ level: 'silent' }),
    mail: { ...t.devhost.host.mail, smtpUrl: sink.url },
  });
  await twoLevelEscalationScene(t.devhost.db, TICKETS, (doc) => services.config.import(doc));
  await services.scanner.run(clock.now());
}, 120_000);
afterAll(async () => {
  await services.mailer.close();
  if (sink.running) await sink.stop();
  await t.close();
});

const outbox = async () =>
  (
    (await t.devhost
      .db('tblsla_vigil_outbox')
      .where('channel', 'email')
      .select('state')
      .count({ n: '*' })
      .groupBy('state')
      .orderBy('state')) as { state: string; n: number }[]
  ).map((r) => [r.state, Number(r.n)]);

it('holds every mail while SMTP is down and sends each exactly once when it is back', async () => {
  for (const at of ['2026-03-03T09:06:00Z', '2026-03-03T09:08:00Z', '2026-03-03T09:12:00Z']) {
    clock.set(new Date(at));
    const scan = await services.scanner.run(clock.now());
    expect(scan.mailed).toBe(0);
  }
  const escalations = async () =>
    Number((await t.devhost.db('tblsla_vigil_escalations').count({ n: '*' }))[0].n);
  expect(await escalations()).toBe(2 * TICKETS);
  expect(await outbox()).toEqual([['pending', 2 * TICKETS]]);
  const tried = await t.devhost
    .db('tblsla_vigil_outbox')
    .where('channel', 'email')
    .min({ a: 'attempts' })
    .first();
  expect(Number(tried?.a)).toBeGreaterThanOrEqual(1);

  await sink.start();
  // Past every backoff the outage caused (at most a few minutes after three failed attempts).
  clock.set(new Date('2026-03-03T09:40:00Z'));
  const back = await services.scanner.run(clock.now());
  expect(back.escalated).toBe(0);
  expect(await escalations()).toBe(2 * TICKETS);
  expect(await outbox()).toEqual([['sent', 2 * TICKETS]]);
  clock.set(new Date('2026-03-03T10:40:00Z'));
  expect((await services.scanner.run(clock.now())).mailed).toBe(0);

  const perRecipient = new Map<string, Set<string>>();
  for (const m of sink.messages) {
    for (const to of m.to) perRecipient.set(to, (perRecipient.get(to) ?? new Set()).add(m.messageId ?? ''));
  }
  expect(sink.messages).toHaveLength(2 * TICKETS);
  expect([...perRecipient].map(([to, ids]) => [to, ids.size]).sort()).toEqual([
    ['fay.first@example.com', TICKETS],
    ['sid.second@example.com', TICKETS],
  ]);
});
