import { renderEscalationEmail } from '../../src/notify/escalation-email';
import { renderHostTemplate, type MergeValues } from '../../src/notify/host-email-template';
import type { EmailTemplateSource, HostEmailTemplate } from '../../src/host/host-context';
import { createTranslator } from '../../src/i18n/translator';
import { renderEscalationEmailOracle, renderHostTemplateOracle } from '../helpers/escalation-email-oracle';
import { escalationEmailInputs as inputs } from '../helpers/escalation-email-inputs';

/**
 * The compiled renderer (EJS skeletons per language and shape, host templates cut at their
 * fields once) against the renderer it replaced, kept as the oracle: every email must be the same
 * bytes, whatever the language, subject kind, metric, level, host template and hostile input.
 */
const translator = createTranslator();
const LANGUAGES = ['en', 'de', 'es'];

/** Host-edited templates for some languages and kinds (others fall back to the module's own). */
const EDITED: Record<string, HostEmailTemplate> = {
  'sla-vigil-escalation-ticket/de': {
    subject: 'Eskalation {sla_ticket_id}: {SLA_TICKET_SUBJECT} ({sla_status}) &amp; {unknown_field}',
    message:
      '<p>Hallo {sla_recipient_name}, {sla_intro}</p><p>{sla_ticket_subject}</p><p>{sla_metric} fällig ' +
      '{sla_due_at}, {sla_level}, Kunde {sla_client_name}, {sla_department} [{sla_tag}]</p>' +
      '<a href="%7Bsla_ticket_url%7D">Ticket</a> <a href="{sla_sla_url}">SLA</a><br>{typo_field}' +
      '<script>var x = "{sla_ticket_id}";</script><ul><li>{sla_lead_name}</li></ul>',
  },
  'sla-vigil-escalation-ticket/es': {
    subject: '{sla_tag}\n{sla_ticket_subject}',
    message: '<div>{sla_intro}</div><table><tr><td>{sla_status}</td></tr></table>&nbsp;&#233;',
  },
  'sla-vigil-escalation-lead/en': {
    subject: 'Lead {sla_lead_id} {sla_lead_name} {sla_status}',
    message:
      '<p>{sla_lead_company} / {sla_market} / {sla_source} <a href="{sla_lead_url}">{sla_lead_url}</a></p>' +
      '<p>{sla_metric} {sla_due_at} {sla_level} {sla_recipient_name} {sla_ticket_id}</p>',
  },
};

const hostTemplates: EmailTemplateSource = {
  template: async (slug, language) => EDITED[`${slug}/${language}`] ?? null,
};

describe('the compiled escalation email renderer equals the old one', () => {
  it.each(LANGUAGES)("renders the module's own templates byte for byte (%s)", async (language) => {
    // Many emails per shape: the second email of a shape fills the skeleton the first one made.
    for (const input of inputs(400, language.charCodeAt(0) * 7 + language.charCodeAt(1))) {
      const expected = await renderEscalationEmailOracle(input, translator, language);
      expect(await renderEscalationEmail(input, translator, language)).toEqual(expected);
    }
  });

  it.each(LANGUAGES)('renders host-edited templates byte for byte (%s)', async (language) => {
    for (const input of inputs(300, language.charCodeAt(1) * 13)) {
      const expected = await renderEscalationEmailOracle(input, translator, language, hostTemplates);
      expect(await renderEscalationEmail(input, translator, language, hostTemplates)).toEqual(expected);
    }
  });

  it('renders the same with NODE_ENV=development (templates re-read, no skeleton kept)', async () => {
    const saved = process.env.NODE_ENV;
    process.env.NODE_ENV = 'development';
    try {
      for (const input of inputs(30, 99)) {
        const expected = await renderEscalationEmailOracle(input, translator, 'de');
        expect(await renderEscalationEmail(input, translator, 'de')).toEqual(expected);
      }
    } finally {
      process.env.NODE_ENV = saved;
    }
  });

  it('fills a host template with HTML values and unknown fields as the old one did, after an edit too', () => {
    const template: HostEmailTemplate = {
      subject: '{sla_period} &lt;{SLA_Count}&gt; {missing}',
      message: '<h1>{sla_period}</h1>{sla_digest_content}<a href="%7Bsla_url%7D">{sla_url}</a>{missing}',
    };
    const values: MergeValues = {
      text: { sla_period: 'March <1> & "2"', sla_count: '$& 3', sla_url: 'https://x.test/?a=1&b=2' },
      html: {
        sla_digest_content: { html: '<table><tr><td>#12 &lt;late&gt;</td></tr></table>', text: '#12 <late>' },
      },
    };
    expect(renderHostTemplate(template, values)).toEqual(renderHostTemplateOracle(template, values));
    // The same object edited in place (a source that updates its templates) is cut again.
    template.message = '<p>{sla_count}</p>';
    expect(renderHostTemplate(template, values)).toEqual(renderHostTemplateOracle(template, values));
    template.subject = 'Now {sla_period}';
    expect(renderHostTemplate(template, values)).toEqual(renderHostTemplateOracle(template, values));
  });
});
