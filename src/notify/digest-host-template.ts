import type { EmailTemplateSource } from '../host/host-context';
import type { RenderedEmail } from './escalation-email';
import { EMAIL_TEMPLATE_SLUGS, hostTemplate, renderHostTemplate } from './host-email-template';

/** What a digest email carries into the host's digest template (Perfex: Setup > Email Templates). */
export interface DigestTemplateInput {
  kind: 'daily' | 'weekly';
  recipientName: string;
  /** The period in the recipient's language, e.g. "Tue, 3 March" or "23 Feb – 1 Mar 2026". */
  period: string;
  /** The digest's body as the module renders it: safe HTML, and the same as plain text. */
  content: { html: string; text: string };
}

/**
 * A digest written into the host's edited template, or null when the host has none for this kind
 * and language (the caller then sends its own template). Merge fields: `{sla_recipient_name}`,
 * `{sla_period}` and `{sla_vigil_content}`, the module's whole digest body.
 */
export async function renderDigestFromHostTemplate(
  templates: EmailTemplateSource | undefined,
  input: DigestTemplateInput,
  language: string,
): Promise<RenderedEmail | null> {
  const slug = input.kind === 'daily' ? EMAIL_TEMPLATE_SLUGS.digestDaily : EMAIL_TEMPLATE_SLUGS.digestWeekly;
  const template = await hostTemplate(templates, slug, language);
  if (!template) return null;
  return renderHostTemplate(template, {
    text: { sla_recipient_name: input.recipientName, sla_period: input.period },
    html: { sla_vigil_content: input.content },
  });
}
