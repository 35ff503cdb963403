import { renderDailyDigest, renderWeeklyDigest } from '../../src/notify/digest-email';
import type { DailyItem, WeeklyContent } from '../../src/notify/digest-content';
import { createTranslator } from '../../src/i18n/translator';

const translator = createTranslator();
const ZONE = 'Europe/Berlin';
/** Monday 7 December 2026, 08:00 in Berlin. */
const NOW = new Date('2026-12-07T07:00:00Z');

const items: DailyItem[] = [
  {
    subjectType: 'ticket',
    subjectId: 12,
    title: 'Printer <script>alert(1)</script>',
    metric: 'resolution',
    state: 'breached',
    dueAt: new Date('2026-12-07T06:30:00Z'),
    url: 'https://crm.example.com/admin/tickets/ticket/12',
  },
  {
    subjectType: 'lead',
    subjectId: 4,
    title: 'Jane (Acme)',
    metric: 'status_time',
    state: 'on_track',
    dueAt: new Date('2026-12-07T15:00:00Z'),
    url: 'https://crm.example.com/admin/leads/index/4',
  },
];

const weekly: WeeklyContent = {
  last: { from: new Date('2026-11-29T23:00:00Z'), to: new Date('2026-12-06T23:00:00Z') },
  before: { from: new Date('2026-11-22T23:00:00Z'), to: new Date('2026-11-29T23:00:00Z') },
  total: { last: 87.5, before: null },
  departments: [{ key: '1', name: 'Support & <b>Co</b>', last: 87.5, before: null, finishedLast: 8 }],
  policies: [],
  worstAgents: [{ staffId: 3, name: 'Ana', breached: 1 }],
  topBreaches: [],
  noPolicy: 2,
};

describe('digest emails', () => {
  it('render the daily digest in German with escaped titles, links and host-zone times', async () => {
    const mail = await renderDailyDigest(items, { name: 'Anna', language: 'de' }, ZONE, NOW, translator);
    expect(mail.subject).toBe('[SLA-Übersicht] 2 Einträge brauchen Sie heute');
    expect(mail.html).toContain('Hallo Anna');
    expect(mail.html).toContain('Printer &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).not.toContain('<script>alert');
    expect(mail.html).toContain('href="https://crm.example.com/admin/leads/index/4"');
    // 06:30 UTC is 07:30 in Berlin; 15:00 UTC is 16:00.
    expect(mail.text).toMatch(/07:30/);
    expect(mail.text).toMatch(/16:00/);
    expect(mail.text).toContain('Printer <script>alert(1)</script>');
    expect(mail.html).toContain('Verletzt');
  });

  it('render the weekly digest in Spanish with percentages, a missing week and the no-policy count', async () => {
    const mail = await renderWeeklyDigest(weekly, { name: 'Ana', language: 'es' }, ZONE, NOW, translator);
    expect(mail.subject).toBe('[SLA semanal] Cumplimiento 2026-W49: 87,5 %');
    expect(mail.html).toContain('Support &amp; &lt;b&gt;Co&lt;/b&gt;');
    expect(mail.html).toContain('Tickets abiertos sin política: 2');
    expect(mail.text).toContain('Semana anterior: —');
    expect(mail.text).toContain('Por departamento');
  });

  it('say so in English when a chosen person has nothing due', async () => {
    const mail = await renderDailyDigest([], { name: 'Ben', language: 'en' }, ZONE, NOW, translator);
    expect(mail.text).toContain('Nothing of yours is breached, at risk or due today.');
  });
});
