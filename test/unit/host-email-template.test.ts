import { htmlToText, renderHostTemplate } from '../../src/notify/host-email-template';
import { renderEscalationEmail, type EscalationEmailInput } from '../../src/notify/escalation-email';
import { renderDigestFromHostTemplate } from '../../src/notify/digest-host-template';
import type { EmailTemplateSource, HostEmailTemplate } from '../../src/host/host-context';
import {
  PERFEX_TEMPLATE_DEFAULTS,
  isPerfexTemplateDefault,
} from '../../src/host/perfex/perfex-email-template-defaults';
import { createTranslator } from '../../src/i18n/translator';

const translator = createTranslator();
const dueAt = new Date('2026-03-03T13:00:00Z');

function input(overrides: Partial<EscalationEmailInput> = {}): EscalationEmailInput {
  return {
    ticketId: 1234,
    ticketSubject: 'Printer <script>alert(1)</script> & "down"',
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

/** A host holding templates by slug and language, as Perfex's Setup > Email Templates does. */
function host(templates: Record<string, HostEmailTemplate>): EmailTemplateSource & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    template: async (slug, language) => {
      asked.push(`${slug}/${language}`);
      return templates[`${slug}/${language}`] ?? null;
    },
  };
}

describe('a host-edited template', () => {
  it('fills merge fields: escaped in the body, raw in the subject and the text part', () => {
    const email = renderHostTemplate(
      {
        subject: 'Alert &amp; {sla_ticket_subject}',
        message: '<p>Hi {sla_name},<br>see <a href="{sla_url}">the ticket</a> {sla_unknown}</p>',
      },
      { text: { sla_ticket_subject: 'A <b>\nB', sla_name: 'Ada & Bob', sla_url: 'https://x.test/?a=1&b=2' } },
    );
    expect(email.subject).toBe('Alert & A <b> B');
    expect(email.html).toBe(
      '<p>Hi Ada &amp; Bob,<br>see <a href="https://x.test/?a=1&amp;b=2">the ticket</a> {sla_unknown}</p>',
    );
    expect(email.text).toBe('Hi Ada & Bob,\nsee the ticket: https://x.test/?a=1&b=2 {sla_unknown}');
  });

  it('takes fields an editor URL-encoded inside a link, and HTML values as they are', () => {
    const email = renderHostTemplate(
      { subject: 's', message: '<a href="%7Bsla_url%7D">open</a><br>{sla_vigil_content}' },
      {
        text: { sla_url: 'https://x.test/1' },
        html: { sla_vigil_content: { html: '<table><tr><td>3 late</td></tr></table>', text: '3 late' } },
      },
    );
    expect(email.html).toBe('<a href="https://x.test/1">open</a><br><table><tr><td>3 late</td></tr></table>');
    expect(email.text).toBe('open: https://x.test/1\n3 late');
  });

  it('reads as text without tags, scripts or entities', () => {
    expect(htmlToText('<style>p{}</style><p>A&nbsp;&lt;b&gt;</p><ul><li>one</li><li>two</li></ul>')).toBe(
      'A <b>\n\n- one\n- two',
    );
  });

  it('tells the registered defaults from an edit, whatever the editor did to the whitespace', () => {
    const ticket = PERFEX_TEMPLATE_DEFAULTS['sla-vigil-escalation-ticket'];
    expect(isPerfexTemplateDefault('sla-vigil-escalation-ticket', ticket)).toBe(true);
    const rewrapped = { ...ticket, message: ticket.message.replace(/<br>\n/g, '<br />\n  ') };
    expect(isPerfexTemplateDefault('sla-vigil-escalation-ticket', rewrapped)).toBe(true);
    expect(
      isPerfexTemplateDefault('sla-vigil-escalation-ticket', {
        ...ticket,
        message: `${ticket.message}<p>Hi</p>`,
      }),
    ).toBe(false);
  });
});

describe('escalation emails from host templates', () => {
  const edited = {
    'sla-vigil-escalation-ticket/de': {
      subject: 'Eskalation {sla_ticket_id}: {sla_ticket_subject} ({sla_status})',
      message:
        '<p>Hallo {sla_recipient_name}, {sla_intro}</p><p>{sla_ticket_subject}</p><p>{sla_metric} fällig {sla_due_at}, {sla_level}, ' +
        'Kunde {sla_client_name}, {sla_department}</p><a href="{sla_ticket_url}">Ticket</a> <a href="{sla_sla_url}">SLA</a>',
    },
    'sla-vigil-escalation-lead/en': {
      subject: 'Lead {sla_lead_id} {sla_lead_name}',
      message: '<p>{sla_lead_company} / {sla_market} / {sla_source} <a href="{sla_lead_url}">open</a></p>',
    },
  };

  it("fills the host's template in the recipient's language with the module's own words", async () => {
    const templates = host(edited);
    const email = await renderEscalationEmail(input(), translator, 'de', templates);
    expect(templates.asked).toEqual(['sla-vigil-escalation-ticket/de']);
    expect(email.subject).toBe(
      'Eskalation 1234: Printer <script>alert(1)</script> & "down" (2 Std. 10 Min. überfällig)',
    );
    expect(email.html).toContain('Hallo Ada Lovelace, ');
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain(
      '<p>Printer &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;down&quot;</p>',
    );
    expect(email.html).toContain(
      'Lösung fällig Di., 3. März, 14:00 (Europe/Berlin), Stufe 2, nach der Fälligkeit',
    );
    expect(email.html).toContain('Kunde Acme GmbH, Support');
    expect(email.html).toContain('<a href="https://crm.example.com/admin/tickets/ticket/1234">Ticket</a>');
    expect(email.html).toContain('href="https://crm.example.com/admin/tickets/ticket/1234#sla_vigil"');
    expect(email.text).toContain('Ticket: https://crm.example.com/admin/tickets/ticket/1234');
    expect(email.text).not.toContain('<p>');
  });

  it("falls back to the module's own template for another language, none, or a failing source", async () => {
    const own = await renderEscalationEmail(input(), translator, 'en');
    expect(await renderEscalationEmail(input(), translator, 'en', host(edited))).toEqual(own);
    expect(await renderEscalationEmail(input(), translator, 'en', host({}))).toEqual(own);
    const failing: EmailTemplateSource = { template: () => Promise.reject(new Error('host down')) };
    expect(await renderEscalationEmail(input(), translator, 'en', failing)).toEqual(own);
  });

  it("uses the lead template for a lead, with the lead's fields", async () => {
    const email = await renderEscalationEmail(
      input({
        ticketId: 7,
        ticketSubject: 'Jane Roe',
        lead: { company: 'Roe & Co', marketName: 'Germany', sourceName: 'Google' },
        clientName: null,
        departmentName: '',
        ticketUrl: 'https://crm.example.com/admin/leads/index/7',
      }),
      translator,
      'en',
      host(edited),
    );
    expect(email.subject).toBe('Lead 7 Jane Roe');
    expect(email.html).toBe(
      '<p>Roe &amp; Co / Germany / Google <a href="https://crm.example.com/admin/leads/index/7">open</a></p>',
    );
  });
});

describe('digests from host templates', () => {
  const content = { html: '<table><tr><td>#12 &lt;late&gt;</td></tr></table>', text: '#12 <late>' };
  const daily = {
    kind: 'daily' as const,
    recipientName: 'Ada <Admin>',
    period: '3 March',
    content,
  };

  it("fills the kind's template: the content as the module rendered it, the other fields escaped", async () => {
    const templates = host({
      'sla-vigil-digest-daily/en': {
        subject: 'Digest {sla_period} for {sla_recipient_name}',
        message: '<h1>Hi {sla_recipient_name}</h1>{sla_vigil_content}',
      },
    });
    const email = await renderDigestFromHostTemplate(templates, daily, 'en');
    expect(email).toEqual({
      subject: 'Digest 3 March for Ada <Admin>',
      html: '<h1>Hi Ada &lt;Admin&gt;</h1><table><tr><td>#12 &lt;late&gt;</td></tr></table>',
      text: 'Hi Ada <Admin>\n\n#12 <late>',
    });
    expect(await renderDigestFromHostTemplate(templates, { ...daily, kind: 'weekly' }, 'en')).toBeNull();
    expect(await renderDigestFromHostTemplate(undefined, daily, 'en')).toBeNull();
  });
});
