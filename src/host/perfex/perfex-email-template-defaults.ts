import type { HostEmailTemplate } from '../host-context';
import { EMAIL_TEMPLATE_SLUGS, type EmailTemplateSlug } from '../../notify/host-email-template';

/**
 * What the PHP module registers in Perfex for each slug (Sla_vigil_email_templates::TEMPLATES,
 * the same text byte for byte: test/unit/perfex-email-template-defaults.test.ts compares them).
 * Perfex's `create_email_template` takes one subject and message, which every language then
 * starts from; a template still reading like this is one the admin has not edited, and the
 * module's own template, translated into the recipient's language, reads better than it.
 */
export const PERFEX_TEMPLATE_DEFAULTS: Readonly<Record<EmailTemplateSlug, HostEmailTemplate>> = {
  [EMAIL_TEMPLATE_SLUGS.escalationTicket]: {
    subject: '[{sla_tag}] #{sla_ticket_id} {sla_ticket_subject} — {sla_metric}: {sla_status}',
    message:
      '<p>Hello {sla_recipient_name},</p>\n' +
      '<p><strong>{sla_intro}</strong></p>\n' +
      '<p>Ticket: #{sla_ticket_id} {sla_ticket_subject}<br>\n' +
      'Client: {sla_client_name}<br>\n' +
      'Department: {sla_department}<br>\n' +
      'SLA target: {sla_metric}<br>\n' +
      'Due: {sla_due_at}<br>\n' +
      'Status: {sla_status}<br>\n' +
      'Escalation: {sla_level}</p>\n' +
      '<p><a href="{sla_ticket_url}">Open ticket</a> | <a href="{sla_sla_url}">Open SLA panel</a></p>',
  },
  [EMAIL_TEMPLATE_SLUGS.escalationLead]: {
    subject: '[{sla_tag}] #{sla_lead_id} {sla_lead_name} — {sla_metric}: {sla_status}',
    message:
      '<p>Hello {sla_recipient_name},</p>\n' +
      '<p><strong>{sla_intro}</strong></p>\n' +
      '<p>Lead: #{sla_lead_id} {sla_lead_name}<br>\n' +
      'Company: {sla_lead_company}<br>\n' +
      'Market: {sla_market}<br>\n' +
      'Source: {sla_source}<br>\n' +
      'SLA target: {sla_metric}<br>\n' +
      'Due: {sla_due_at}<br>\n' +
      'Status: {sla_status}<br>\n' +
      'Escalation: {sla_level}</p>\n' +
      '<p><a href="{sla_lead_url}">Open lead</a> | <a href="{sla_sla_url}">Open SLA panel</a></p>',
  },
  [EMAIL_TEMPLATE_SLUGS.digestDaily]: {
    subject: 'SLA Vigil daily digest: {sla_period}',
    message: '<p>Hello {sla_recipient_name},</p>\n{sla_vigil_content}',
  },
  [EMAIL_TEMPLATE_SLUGS.digestWeekly]: {
    subject: 'SLA Vigil weekly digest: {sla_period}',
    message: '<p>Hello {sla_recipient_name},</p>\n{sla_vigil_content}',
  },
};

/** True when the template reads as registered (whitespace aside): the admin has not edited it. */
export function isPerfexTemplateDefault(slug: EmailTemplateSlug, template: HostEmailTemplate): boolean {
  const registered = PERFEX_TEMPLATE_DEFAULTS[slug];
  return (
    squash(template.subject) === squash(registered.subject) &&
    squash(template.message) === squash(registered.message)
  );
}

/** Perfex's editor may re-wrap lines or write `<br />`; neither is an edit. */
function squash(value: string): string {
  return value
    .replace(/%7B/gi, '{')
    .replace(/%7D/gi, '}')
    .replace(/<br\s*\/?>/gi, '<br>')
    .replace(/\s+/g, ' ')
    .replace(/>\s+</g, '><')
    .trim();
}
