import pino from 'pino';
import { Writable } from 'node:stream';
import type { Knex } from 'knex';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices } from '../../src/wiring/module-services';
import { insertStaff } from '../helpers/host-fixtures';
import { WEEKDAYS_9_TO_5 } from '../helpers/sla-fixtures';
import { PerfexEmailTemplates } from '../../src/host/perfex/perfex-email-templates';
import { PERFEX_TEMPLATE_DEFAULTS } from '../../src/host/perfex/perfex-email-template-defaults';
import { createEmailTemplatesTable } from '../helpers/perfex-email-templates-table';

// A Perfex-like host whose admin edited the module's ticket escalation template under
// Setup > Email Templates in English and German, and left the Spanish one as registered. The
// table's shape beyond `create_email_template` is not in PERFEX.md: this is the shape the
// reader expects (slug, language, subject, message per row), and the tests below also show
// what happens when the host's table is missing or shaped otherwise.

// Tue 2026-03-03 08:00 UTC = 09:00 Europe/Berlin.
const clock = new MutableClock(new Date('2026-03-03T08:00:00Z'));
let t: TestDevhost;
let db: Knex;
let support: number;
const staff: Record<string, number> = {};
const TICKET_SLUG = 'sla-vigil-escalation-ticket';
const EVIL = '<script>alert(1)</script> Printer & "down"';

/** A logger whose lines the test can read. */
function captureLogger() {
  const lines: { level: number; msg: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

/** What create_email_template leaves for one slug: one row per language, the same default text. */
async function registerDefaults(table: string, slug: keyof typeof PERFEX_TEMPLATE_DEFAULTS): Promise<void> {
  for (const language of ['english', 'german', 'spanish', 'french'])
    await db(table).insert({ type: 'staff', slug, language, name: slug, ...PERFEX_TEMPLATE_DEFAULTS[slug] });
}

async function editTemplate(slug: string, language: string, subject: string, message: string) {
  await db('tblemailtemplates').where({ slug, language }).update({ subject, message });
}

/** A new ticket in Support whose resolution is due at 13:00 Berlin (12:00Z). */
async function newTicket(subject: string): Promise<number> {
  clock.set(new Date('2026-03-03T08:00:00Z'));
  return t.devhost.tickets.create({ subject, message: 'm', department: support, admin: 1 });
}

async function mails(since: number) {
  return (await t.devhost.mailbox.list()).reverse().slice(since);
}

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'Europe/Berlin', clock });
  db = t.devhost.db;
  [support] = await db('tbldepartments').insert({ name: 'Support' });
  staff.en = await insertStaff(db, 'ana.en@example.com', 'pw123456');
  staff.de = await insertStaff(db, 'dora.de@example.com', 'pw123456', { default_language: 'german' });
  staff.es = await insertStaff(db, 'eva.es@example.com', 'pw123456', { default_language: 'spanish' });
  await db('tblstaff_departments').insert(
    [staff.en, staff.de, staff.es].map((staffid) => ({ staffid, departmentid: support })),
  );
  await createEmailTemplatesTable(db);
  for (const slug of Object.keys(PERFEX_TEMPLATE_DEFAULTS) as (keyof typeof PERFEX_TEMPLATE_DEFAULTS)[])
    await registerDefaults('tblemailtemplates', slug);
  await editTemplate(
    TICKET_SLUG,
    'english',
    'ESCALATED {sla_ticket_id}: {sla_ticket_subject}',
    '<p>Dear {sla_recipient_name},</p><p>{sla_ticket_subject} is {sla_status} ({sla_metric}, {sla_level}).</p>' +
      '<p><a href="{sla_ticket_url}">Go</a></p>',
  );
  await editTemplate(
    TICKET_SLUG,
    'german',
    'ESKALIERT {sla_ticket_id}: {sla_ticket_subject}',
    '<p>Liebe(r) {sla_recipient_name},</p><p>{sla_ticket_subject}: {sla_status}, fällig {sla_due_at}.</p>',
  );
  // French staff get English; a French edit must not stand in for the English one.
  await editTemplate(TICKET_SLUG, 'french', 'FRANÇAIS', '<p>Français</p>');
});
afterAll(() => t.close());

async function servicesWith(templates: PerfexEmailTemplates | undefined) {
  const services = createModuleServices({ ...t.devhost.host, emailTemplates: templates });
  await services.config.import({
    calendars: [{ key: 'berlin', name: 'Berlin office', timezone: 'Europe/Berlin', week: WEEKDAYS_9_TO_5 }],
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
    settings: { cooldownMinutes: 0, defaultWarnAtPercent: 80 },
  });
  return services;
}

/** Runs the scan at the due time: one email per member of Support. */
async function escalate(services: Awaited<ReturnType<typeof servicesWith>>) {
  clock.set(new Date('2026-03-03T12:00:00Z'));
  await services.scanner.run(clock.now());
}

it("sends each recipient the template edited in their language, fields filled and escaped; an unedited one is the module's own", async () => {
  const { logger } = captureLogger();
  const templates = new PerfexEmailTemplates(db, 'tbl', logger, clock);
  const services = await servicesWith(templates);
  const before = (await t.devhost.mailbox.list()).length;
  let reads = 0;
  const count = (q: { sql: string }) => {
    if (q.sql.includes('emailtemplates')) reads++;
  };
  db.on('query', count);
  const id = await newTicket(EVIL);
  await escalate(services);
  db.off('query', count);

  const sent = await mails(before);
  const byRecipient = new Map(sent.map((m) => [m.rcpt_to, m]));
  expect([...byRecipient.keys()].sort()).toEqual([
    'ana.en@example.com',
    'dora.de@example.com',
    'eva.es@example.com',
  ]);
  // One read of the host's templates for the whole scan, not one per email.
  expect(reads).toBe(1);

  const en = byRecipient.get('ana.en@example.com')!;
  expect(en.subject).toBe(`ESCALATED ${id}: ${EVIL}`);
  expect(en.html).toContain('<p>Dear Ana En,</p>');
  expect(en.html).toContain(
    '&lt;script&gt;alert(1)&lt;/script&gt; Printer &amp; &quot;down&quot; is due now',
  );
  expect(en.html).not.toContain('<script>');
  expect(en.html).toContain('(Resolution, Level 1, at the due time)');
  expect(en.html).toMatch(new RegExp(`<a href="http[^"]*/admin/tickets/ticket/${id}">Go</a>`));
  expect(en.text).toContain(`${EVIL} is due now`);
  expect(en.text).toMatch(new RegExp(`Go: http\\S*/admin/tickets/ticket/${id}`));

  const de = byRecipient.get('dora.de@example.com')!;
  expect(de.subject).toBe(`ESKALIERT ${id}: ${EVIL}`);
  expect(de.html).toContain(
    '&lt;script&gt;alert(1)&lt;/script&gt; Printer &amp; &quot;down&quot;: jetzt fällig, fällig',
  );
  expect(de.html).toContain('13:00 (Europe/Berlin)');

  // Spanish: Perfex's row still reads as registered, so the module's own Spanish template.
  const es = byRecipient.get('eva.es@example.com')!;
  expect(es.subject).toContain(`#${id}`);
  expect(es.subject).not.toContain('ESCALATED');
  expect(es.html).toContain('<!DOCTYPE html>');
  expect(es.html).toContain('lang="es"');
  expect(es.html).not.toContain('<script>');
});

it('an edit reaches the emails once the cached read is a minute old', async () => {
  const { logger } = captureLogger();
  const templates = new PerfexEmailTemplates(db, 'tbl', logger, clock);
  const services = await servicesWith(templates);
  clock.set(new Date('2026-03-03T11:59:00Z'));
  expect((await templates.template(TICKET_SLUG, 'en'))?.subject).toMatch(/^ESCALATED/);
  await editTemplate(TICKET_SLUG, 'english', 'CHANGED {sla_ticket_id}', '<p>changed</p>');
  try {
    clock.set(new Date('2026-03-03T11:59:30Z'));
    expect((await templates.template(TICKET_SLUG, 'en'))?.subject).toMatch(/^ESCALATED/);
    const before = (await t.devhost.mailbox.list()).length;
    const id = await newTicket('Second');
    await escalate(services);
    const en = (await mails(before)).find((m) => m.rcpt_to === 'ana.en@example.com');
    expect(en?.subject).toBe(`CHANGED ${id}`);
  } finally {
    await editTemplate(
      TICKET_SLUG,
      'english',
      'ESCALATED {sla_ticket_id}: {sla_ticket_subject}',
      '<p>Dear {sla_recipient_name},</p>',
    );
  }
});

it("falls back to the module's own templates when the host has none, logging it once", async () => {
  const { logger, lines } = captureLogger();
  // No such table: a host without Perfex's email templates.
  const templates = new PerfexEmailTemplates(db, 'nope_', logger, clock);
  const services = await servicesWith(templates);
  const before = (await t.devhost.mailbox.list()).length;
  const id = await newTicket(EVIL);
  await escalate(services);
  clock.set(new Date('2026-03-03T12:05:00Z'));
  expect(await templates.template(TICKET_SLUG, 'en')).toBeNull();
  const sent = await mails(before);
  expect(sent).toHaveLength(3);
  for (const m of sent) {
    expect(m.subject).toContain(`#${id}`);
    expect(m.html).toContain('<!DOCTYPE html>');
    expect(m.html).toContain('&lt;script&gt;');
    expect(m.html).not.toContain('<script>');
  }
  const said = lines.filter((l) => l.msg.includes('email templates'));
  expect(said).toHaveLength(1);
  expect(said[0].msg).toContain('no email templates table');
});

it("falls back when the host's table is shaped otherwise: a failing query or rows without the columns, each said once", async () => {
  // No `slug` column: the query itself fails.
  await db.schema.createTable('odd1_emailtemplates', (tb) => {
    tb.increments('id');
    tb.text('body');
  });
  const failing = captureLogger();
  const noSlug = new PerfexEmailTemplates(db, 'odd1_', failing.logger, clock, 0);
  for (let i = 0; i < 3; i++) expect(await noSlug.template(TICKET_SLUG, 'en')).toBeNull();
  expect(failing.lines.filter((l) => l.level === 40)).toHaveLength(1);
  expect(failing.lines[0].msg).toContain("reading Perfex's email templates failed");

  // A slug but no language column: rows found, none usable.
  await db.schema.createTable('odd2_emailtemplates', (tb) => {
    tb.increments('id');
    tb.string('slug', 100);
    tb.text('subject');
    tb.text('body');
  });
  await db('odd2_emailtemplates').insert({ slug: TICKET_SLUG, subject: 'x', body: 'y' });
  const odd = captureLogger();
  const noLanguage = new PerfexEmailTemplates(db, 'odd2_', odd.logger, clock, 0);
  for (let i = 0; i < 3; i++) expect(await noLanguage.template(TICKET_SLUG, 'en')).toBeNull();
  expect(odd.lines).toHaveLength(1);
  expect(odd.lines[0].msg).toContain('no language, subject or message column');

  // And the scan with such a host sends the module's own emails.
  const services = await servicesWith(noLanguage);
  const before = (await t.devhost.mailbox.list()).length;
  await newTicket('Third');
  await escalate(services);
  const sent = await mails(before);
  expect(sent).toHaveLength(3);
  expect(sent.every((m) => m.html?.includes('<!DOCTYPE html>'))).toBe(true);
});

it('an emptied template is no template', async () => {
  const templates = new PerfexEmailTemplates(db, 'tbl', captureLogger().logger, clock, 0);
  await editTemplate(TICKET_SLUG, 'german', '', '');
  expect(await templates.template(TICKET_SLUG, 'de')).toBeNull();
  expect(await templates.template('sla-vigil-digest-daily', 'en')).toBeNull();
});
