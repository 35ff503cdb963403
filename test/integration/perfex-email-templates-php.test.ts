import pino from 'pino';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { startPhpStandin, type PhpStandin } from '../helpers/php-standin-server';
import { createEmailTemplatesTable } from '../helpers/perfex-email-templates-table';
import { insertStaff } from '../helpers/host-fixtures';
import { WEEKDAYS_9_TO_5 } from '../helpers/sla-fixtures';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices } from '../../src/wiring/module-services';
import { PerfexEmailTemplates } from '../../src/host/perfex/perfex-email-templates';

// The real PHP module activated under `php -S` (the Perfex stand-in, test/php/standin/) registers
// its templates; an admin edits the German ticket escalation; the service's scan then sends German
// recipients that edit and English ones the module's own email, since their row still reads as
// the module registered it (the text went PHP -> MariaDB -> Node unchanged).

const clock = new MutableClock(new Date('2026-03-03T08:00:00Z'));
let t: TestDevhost;
let php: PhpStandin;
let support: number;

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'Europe/Berlin', clock });
  await createEmailTemplatesTable(t.devhost.db);
  php = await startPhpStandin(t.database.name);
  [support] = await t.devhost.db('tbldepartments').insert({ name: 'Support' });
  for (const [email, language] of [
    ['ana.en@example.com', 'english'],
    ['dora.de@example.com', 'german'],
  ]) {
    const staffid = await insertStaff(t.devhost.db, email, 'pw123456', { default_language: language });
    await t.devhost.db('tblstaff_departments').insert({ staffid, departmentid: support });
  }
});
afterAll(async () => {
  php?.stop();
  await t?.close();
});

async function activateInPerfex(): Promise<void> {
  const answer = await fetch(`${php.url}/admin/modules/activate/sla_vigil`);
  const body = (await answer.json()) as { ok: boolean; log: string[] };
  expect({ ok: body.ok, log: body.log }).toEqual({ ok: true, log: [] });
  expect(php.stderr()).not.toMatch(/PHP (Fatal|Warning|Notice|Deprecated)/);
}

it('activating the module in Perfex registers every template once, in each language; again, none', async () => {
  await activateInPerfex();
  const rows = () =>
    t.devhost.db('tblemailtemplates').select('slug', 'language', 'type').orderBy(['slug', 'language']);
  const first = await rows();
  expect(first).toHaveLength(4 * 3);
  expect(new Set(first.map((r: { slug: string }) => r.slug))).toEqual(
    new Set([
      'sla-vigil-digest-daily',
      'sla-vigil-digest-weekly',
      'sla-vigil-escalation-lead',
      'sla-vigil-escalation-ticket',
    ]),
  );
  await activateInPerfex();
  expect(await rows()).toEqual(first);
});

it("an edit in Perfex reaches its language's recipients; the untouched English one is the module's own", async () => {
  await t.devhost
    .db('tblemailtemplates')
    .where({ slug: 'sla-vigil-escalation-ticket', language: 'german' })
    .update({
      subject: 'Achtung: {sla_ticket_subject} ({sla_status})',
      message:
        '<p>Hallo {sla_recipient_name}, bitte <a href="{sla_ticket_url}">{sla_ticket_subject}</a> ansehen.</p>',
    });
  const templates = new PerfexEmailTemplates(t.devhost.db, 'tbl', pino({ level: 'silent' }), clock);
  const services = createModuleServices({ ...t.devhost.host, emailTemplates: templates });
  await services.config.import({
    calendars: [{ key: 'berlin', name: 'Berlin', timezone: 'Europe/Berlin', week: WEEKDAYS_9_TO_5 }],
    policies: [
      {
        key: 'support',
        name: 'Support',
        match: { departmentIds: [support] },
        calendar: 'berlin',
        targets: { resolution: { minutes: 240 } },
        escalations: [
          {
            metric: 'resolution',
            trigger: { type: 'at_due' },
            action: { type: 'notify_department', departmentId: support },
          },
        ],
      },
    ],
    settings: { cooldownMinutes: 60, defaultWarnAtPercent: 80 },
  });
  const id = await t.devhost.tickets.create({
    subject: '<script>x()</script> Drucker',
    message: 'm',
    department: support,
    admin: 1,
  });
  clock.set(new Date('2026-03-03T12:00:00Z'));
  await services.scanner.run(clock.now());
  const mails = new Map((await t.devhost.mailbox.list()).map((m) => [m.rcpt_to, m]));

  const de = mails.get('dora.de@example.com');
  expect(de?.subject).toBe('Achtung: <script>x()</script> Drucker (jetzt fällig)');
  expect(de?.html).toMatch(
    new RegExp(
      `^<p>Hallo Dora De, bitte <a href="http[^"]*/admin/tickets/ticket/${id}">&lt;script&gt;x\\(\\)&lt;/script&gt; Drucker</a> ansehen\\.</p>$`,
    ),
  );
  expect(de?.text).toMatch(/^Hallo Dora De, bitte <script>x\(\)<\/script> Drucker: http\S+ ansehen\.$/);

  const en = mails.get('ana.en@example.com');
  expect(en?.subject).toBe(`[SLA breach] #${id} <script>x()</script> Drucker — resolution due now`);
  expect(en?.html).toContain('<!DOCTYPE html>');
  expect(en?.html).not.toContain('<script>');
});
