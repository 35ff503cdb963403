import pino from 'pino';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { insertStaffWithCapabilities, STAFF_PASSWORD } from '../helpers/host-fixtures';
import { PerfexEmailTemplates } from '../../src/host/perfex/perfex-email-templates';
import { PERFEX_TEMPLATE_DEFAULTS } from '../../src/host/perfex/perfex-email-template-defaults';
import { createEmailTemplatesTable } from '../helpers/perfex-email-templates-table';

// A Perfex-like host whose admin edited the module's daily digest template in German under
// Setup > Email Templates and left every other digest template as registered. The table's shape
// is the reader's assumption (see test/helpers/perfex-email-templates-table.ts).

// Tue 2026-03-03 08:00 UTC = 09:00 Europe/Berlin.
const clock = new MutableClock(new Date('2026-03-03T08:00:00Z'));
let t: TestDevhost;
let db: Knex;
let services: ModuleServices;
let support: number;
const staff: Record<'de' | 'en', number> = { de: 0, en: 0 };
const DAILY_SLUG = 'sla-vigil-digest-daily';
const EVIL = '<script>alert(1)</script> Drucker & "kaputt"';

async function mails(since: number) {
  return (await t.devhost.mailbox.list()).reverse().slice(since);
}

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'Europe/Berlin', clock });
  db = t.devhost.db;
  [support] = await db('tbldepartments').insert({ name: 'Support' });
  // A name with markup: the template's merge field must escape it in the HTML part.
  staff.de = await insertStaffWithCapabilities(db, 'dora.de@example.com', STAFF_PASSWORD, ['view'], {
    default_language: 'german',
    firstname: 'Dora <i>',
  });
  staff.en = await insertStaffWithCapabilities(db, 'ana.en@example.com', STAFF_PASSWORD, ['view']);
  await createEmailTemplatesTable(db);
  for (const slug of Object.keys(PERFEX_TEMPLATE_DEFAULTS) as (keyof typeof PERFEX_TEMPLATE_DEFAULTS)[])
    for (const language of ['english', 'german', 'spanish'])
      await db('tblemailtemplates').insert({
        type: 'staff',
        slug,
        language,
        name: slug,
        ...PERFEX_TEMPLATE_DEFAULTS[slug],
      });
  await db('tblemailtemplates')
    .where({ slug: DAILY_SLUG, language: 'german' })
    .update({
      subject: 'Tagesübersicht für {sla_recipient_name} ({sla_period})',
      message:
        '<p>Guten Morgen {sla_recipient_name},</p><p>Zeitraum: {sla_period}</p>' +
        '<div class="inhalt">{sla_vigil_content}</div><p>Ihr Support-Team</p>',
    });
  await db('tblemailtemplates')
    .where({ slug: 'sla-vigil-digest-weekly', language: 'english' })
    .update({ subject: 'Week {sla_period}', message: '<h1>{sla_period}</h1>{sla_vigil_content}' });

  services = createModuleServices({
    ...t.devhost.host,
    emailTemplates: new PerfexEmailTemplates(db, 'tbl', pino({ level: 'silent' }), clock),
  });
  await services.config.import({
    policies: [
      {
        key: 'support',
        name: 'Support',
        match: { departmentIds: [support] },
        targets: { resolution: { minutes: 60 } },
        escalations: [],
      },
    ],
  });
  // Each staff member gets a ticket whose resolution is breached by 10:00 Berlin.
  for (const [who, subject] of [
    ['de', EVIL],
    ['en', 'Printer down'],
  ] as const)
    await t.devhost.tickets.create({
      subject,
      message: 'm',
      department: support,
      admin: 1,
      assigned: staff[who],
    });
  clock.set(new Date('2026-03-03T09:30:00Z'));
  await services.scanner.run(clock.now());
}, 120_000);

afterAll(async () => {
  await services.mailer.close();
  await t.close();
});

it("writes a German recipient's daily digest into the edited German template, fields filled and escaped", async () => {
  const before = (await t.devhost.mailbox.list()).length;
  expect(await services.digests?.sendNow('daily', [staff.de, staff.en], clock.now())).toBe(2);
  await services.deliveries.sendDue(clock.now());
  const byRecipient = new Map((await mails(before)).map((m) => [m.rcpt_to, m]));

  const de = byRecipient.get('dora.de@example.com')!;
  // The period is the date the module's own digest names, in German.
  const period = DateTime.fromISO('2026-03-03', { zone: 'Europe/Berlin' })
    .setLocale('de')
    .toLocaleString(DateTime.DATE_MED);
  expect(period).toMatch(/3\. März 2026/);
  // The subject is not HTML: the name as it is.
  expect(de.subject).toBe(`Tagesübersicht für Dora <i> De (${period})`);
  expect(de.html).toContain('<p>Guten Morgen Dora &lt;i&gt; De,</p>');
  expect(de.html).toContain(`<p>Zeitraum: ${period}</p>`);
  // The module's digest body, in German, its values escaped, without a document of its own.
  const content = (de.html ?? '').slice((de.html ?? '').indexOf('<div class="inhalt">'));
  expect(content).toContain('/admin/tickets/ticket/1');
  expect(content).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Drucker &amp; &#34;kaputt&#34;');
  expect(content).toContain('Verletzt');
  expect(de.html).not.toContain('<script>');
  expect(de.html).not.toContain('<!DOCTYPE');
  expect(de.html).not.toContain('/admin/tickets/ticket/2');
  expect(de.html).toContain('<p>Ihr Support-Team</p>');
  // The text part: the same, raw.
  expect(de.text).toContain('Guten Morgen Dora <i> De,');
  expect(de.text).toContain(EVIL);

  // English has no edit (the registered default text): the module's own email.
  const en = byRecipient.get('ana.en@example.com')!;
  expect(en.subject).toBe('[SLA digest] 1 item needs you today');
  expect(en.html).toContain('<!DOCTYPE html>');
  expect(en.html).toContain('Printer down');
});

it("keeps the module's own email where the host's template is not edited (German weekly) or absent", async () => {
  const before = (await t.devhost.mailbox.list()).length;
  expect(await services.digests?.sendNow('weekly', [staff.de], clock.now())).toBe(1);
  const plain = createModuleServices(t.devhost.host);
  expect(await plain.digests?.sendNow('daily', [staff.de], new Date(clock.now().getTime() + 1000))).toBe(1);
  await services.deliveries.sendDue(new Date(clock.now().getTime() + 2000));
  await plain.mailer.close();
  const sent = await mails(before);
  expect(sent).toHaveLength(2);
  for (const m of sent) {
    expect(m.rcpt_to).toBe('dora.de@example.com');
    expect(m.html).toContain('<!DOCTYPE html>');
    expect(m.html).toContain('Hallo Dora &lt;i&gt; De');
    expect(m.html).not.toContain('Guten Morgen');
  }
});

it("names the week in a weekly template: its first and last day, in the recipient's language", async () => {
  const before = (await t.devhost.mailbox.list()).length;
  expect(await services.digests?.sendNow('weekly', [staff.en], clock.now())).toBe(1);
  await services.deliveries.sendDue(new Date(clock.now().getTime() + 3000));
  const [en] = await mails(before);
  // Sent on Tuesday 3 March: last week ran Monday 23 February to Sunday 1 March.
  expect(en.subject).toBe('Week Feb 23, 2026 – Mar 1, 2026');
  expect(en.html).toContain('<h1>Feb 23, 2026 – Mar 1, 2026</h1>');
  expect(en.html).toContain('data-total');
  expect(en.html).not.toContain('<!DOCTYPE');
});
