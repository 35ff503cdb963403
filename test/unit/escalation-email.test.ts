import { renderEscalationEmail, type EscalationEmailInput } from '../../src/notify/escalation-email';
import { formatDuration } from '../../src/i18n/format-duration';
import { createTranslator } from '../../src/i18n/translator';

const translator = createTranslator();
const dueAt = new Date('2026-03-03T13:00:00Z');

function input(overrides: Partial<EscalationEmailInput> = {}): EscalationEmailInput {
  return {
    ticketId: 1234,
    ticketSubject: 'Printer down',
    clientName: 'Acme GmbH',
    departmentName: 'Support',
    metric: 'resolution',
    level: 2,
    triggerType: 'after_due',
    dueAt,
    zone: 'Europe/Berlin',
    now: new Date(dueAt.getTime() + 130 * 60_000),
    ticketUrl: 'https://crm.example.com/admin/tickets/ticket/1234',
    slaUrl: 'https://crm.example.com/admin/tickets/ticket/1234#sla_vigil',
    recipientName: 'Ada Lovelace',
    ...overrides,
  };
}

const warning = input({
  metric: 'first_response',
  level: 1,
  triggerType: 'before_due',
  now: new Date(dueAt.getTime() - 45 * 60_000),
});
const atDue = input({ level: 1, triggerType: 'at_due', now: new Date(dueAt.getTime() + 20_000) });

describe('escalation email subjects', () => {
  it.each([
    ['en', input(), '[SLA breach] #1234 Printer down — resolution 2h 10m late'],
    ['en', warning, '[SLA warning] #1234 Printer down — first response due in 45m'],
    ['en', atDue, '[SLA breach] #1234 Printer down — resolution due now'],
    ['de', input(), '[SLA-Verletzung] #1234 Printer down — Lösung 2 Std. 10 Min. überfällig'],
    ['de', warning, '[SLA-Warnung] #1234 Printer down — Erste Antwort fällig in 45 Min.'],
    ['de', atDue, '[SLA-Verletzung] #1234 Printer down — Lösung jetzt fällig'],
    ['es', input(), '[Incumplimiento SLA] #1234 Printer down — resolución con 2 h 10 min de retraso'],
    ['es', warning, '[Aviso SLA] #1234 Printer down — primera respuesta vence en 45 min'],
    ['es', atDue, '[Incumplimiento SLA] #1234 Printer down — resolución vence ahora'],
  ])('%s: %s', async (language, data, subject) => {
    expect((await renderEscalationEmail(data, translator, language)).subject).toBe(subject);
  });

  it('calls a warning level that fires after the due time a breach', async () => {
    const late = { ...warning, now: new Date(dueAt.getTime() + 3 * 24 * 60 * 60_000 + 5 * 60 * 60_000) };
    expect((await renderEscalationEmail(late, translator, 'en')).subject).toBe(
      '[SLA breach] #1234 Printer down — first response 3d 5h late',
    );
  });

  it('keeps long or multi-line ticket subjects to one short line', async () => {
    const email = await renderEscalationEmail(
      input({ ticketSubject: `Line one\r\nBcc: x@evil.test ${'x'.repeat(300)}` }),
      translator,
      'en',
    );
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.subject).toContain('#1234 Line one Bcc: x@evil.test x');
    expect(email.subject.length).toBeLessThan(160);
  });
});

describe('escalation email body', () => {
  it('escapes the ticket subject and client in HTML and keeps them raw in the text part', async () => {
    const email = await renderEscalationEmail(
      input({ ticketSubject: '<script>alert(1)</script> & co', clientName: 'Smith & "Sons"' }),
      translator,
      'en',
    );
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; co');
    expect(email.html).toContain('Smith &amp; &#34;Sons&#34;');
    expect(email.text).toContain('#1234 <script>alert(1)</script> & co');
    expect(email.text).toContain('Client: Smith & "Sons"');
  });

  it('shows the due time in the given zone, with the zone named', async () => {
    const berlin = await renderEscalationEmail(input(), translator, 'en');
    // The pages' date format per language (src/i18n/format-date.ts), the zone named after it.
    expect(berlin.text).toMatch(/Due: Tue 3 Mar 14:00 \(Europe\/Berlin\)/);
    expect(berlin.html).toContain('14:00 (Europe/Berlin)');
    const ny = await renderEscalationEmail(input({ zone: 'America/New_York' }), translator, 'de');
    expect(ny.text).toMatch(/Fällig: Di\.?, 3\. März, 08:00 \(America\/New_York\)/);
  });

  it('carries everything a recipient needs, in their language', async () => {
    const email = await renderEscalationEmail(input({ clientName: null }), translator, 'es');
    expect(email.text).toContain('Hola, Ada Lovelace:');
    expect(email.text).toContain('Cliente: Sin cliente');
    expect(email.text).toContain('Departamento: Support');
    expect(email.text).toContain('Nivel 2, después del vencimiento');
    expect(email.text).toContain('Abrir ticket: https://crm.example.com/admin/tickets/ticket/1234');
    expect(email.html).toContain('href="https://crm.example.com/admin/tickets/ticket/1234#sla_vigil"');
    expect(email.html).toContain('<html lang="es">');
  });

  it('rejects an unknown time zone instead of showing "Invalid DateTime"', async () => {
    await expect(renderEscalationEmail(input({ zone: 'Mars/Olympus' }), translator, 'en')).rejects.toThrow(
      'invalid time zone "Mars/Olympus"',
    );
  });
});

describe('formatDuration', () => {
  const units = {
    days: (n: number) => `${n}d`,
    hours: (n: number) => `${n}h`,
    minutes: (n: number) => `${n}m`,
  };
  it.each([
    [0, '0m'],
    [45, '45m'],
    [60, '1h'],
    [130, '2h 10m'],
    [1440, '1d'],
    [1440 * 3 + 5 * 60 + 7, '3d 5h'],
  ])('%d minutes -> %s', (minutes, text) => {
    expect(formatDuration(minutes, units)).toBe(text);
  });
});

describe('escalation email about a lead', () => {
  const lead = input({
    ticketId: 77,
    ticketSubject: 'Ravi Kumar',
    lead: { company: 'Kumar Textiles', marketName: 'India', sourceName: 'Google' },
    clientName: null,
    departmentName: '',
    metric: 'status_time',
    statusName: 'New',
    ticketUrl: 'https://crm.example.com/admin/leads/index/77',
    slaUrl: 'https://crm.example.com/admin/leads/index/77#sla_vigil',
  });

  it.each(['en', 'de', 'es'])(
    'names the lead, its market and source, and links the lead (%s)',
    async (language) => {
      const email = await renderEscalationEmail(lead, translator, language);
      expect(email.subject).toContain('#77 Ravi Kumar');
      for (const part of [email.text, email.html]) {
        expect(part).toContain('Kumar Textiles');
        expect(part).toContain('India');
        expect(part).toContain('Google');
        expect(part).toContain('https://crm.example.com/admin/leads/index/77');
        expect(part).not.toContain('Support');
      }
    },
  );

  it('speaks of a lead, not a ticket', async () => {
    const email = await renderEscalationEmail(lead, translator, 'en');
    expect(email.text).toContain('The time in New target of lead #77 was missed 2h 10m ago.');
    expect(email.text).toContain('Lead: #77 Ravi Kumar');
    expect(email.text).toContain('Open lead: https://crm.example.com/admin/leads/index/77');
    expect(email.text).not.toMatch(/ticket/i);
  });
});
