import type { EmailTemplateSource, HostEmailTemplate } from '../host/host-context';
import { escapeHtml } from '../web/escape-html';
import type { RenderedEmail } from './escalation-email';

/**
 * The slugs of the module's emails a host may hold editable templates for (Perfex registers them
 * under Setup > Email Templates); the module's own templates are the fallback for each.
 */
export const EMAIL_TEMPLATE_SLUGS = {
  escalationTicket: 'sla-vigil-escalation-ticket',
  escalationLead: 'sla-vigil-escalation-lead',
  digestDaily: 'sla-vigil-digest-daily',
  digestWeekly: 'sla-vigil-digest-weekly',
} as const;

export type EmailTemplateSlug = (typeof EMAIL_TEMPLATE_SLUGS)[keyof typeof EMAIL_TEMPLATE_SLUGS];

/**
 * Values of a template's merge fields, by name without braces (`sla_ticket_id`). `text` values
 * are HTML-escaped into the body; `html` values are the module's own safe HTML (a digest's
 * content), written as they are into the body and as their text into the text part.
 */
export interface MergeValues {
  text: Readonly<Record<string, string>>;
  html?: Readonly<Record<string, { html: string; text: string }>>;
}

/**
 * The host's edited template for this slug and language, or null. A source that fails (it should
 * answer null itself) costs the email its host template, never the escalation or digest.
 */
export async function hostTemplate(
  templates: EmailTemplateSource | undefined,
  slug: EmailTemplateSlug,
  language: string,
): Promise<HostEmailTemplate | null> {
  if (!templates) return null;
  try {
    return await templates.template(slug, language);
  } catch {
    return null;
  }
}

/** A merge field, also as a rich-text editor may write it inside a link (`%7Bsla_ticket_url%7D`). */
const FIELD = /\{([a-z][a-z0-9_]*)\}|%7B([a-z][a-z0-9_]*)%7D/gi;

/**
 * Renders a host-edited template: merge fields replaced with the values (HTML-escaped in the
 * body, raw in the subject and the text part, which are not HTML), the text part derived from
 * the body by dropping its tags. A field the module does not know stays as written, so a typo
 * shows in the email instead of vanishing. The template's parts are cut at their fields once
 * (compiledTemplate); each email only looks its values up.
 */
export function renderHostTemplate(template: HostEmailTemplate, values: MergeValues): RenderedEmail {
  const lookup = (name: string): { html: string; text: string } | undefined => {
    const rich = values.html?.[name];
    if (rich) return rich;
    const plain = values.text[name];
    return plain === undefined ? undefined : { html: escapeHtml(plain), text: plain };
  };
  const { subject, html, text } = compiledTemplate(template);
  return {
    subject: oneLine(fill(subject, lookup, 'text')),
    html: fill(html, lookup, 'html'),
    text: fill(text, lookup, 'text'),
  };
}

/** A part with its merge fields cut out: `literals[0] fields[0] literals[1] ... literals[n]`. */
interface CutPart {
  literals: string[];
  /** Each field's name (lower case, as values are keyed) and how it was written. */
  fields: { name: string; whole: string }[];
}

interface CompiledTemplate {
  source: HostEmailTemplate;
  subject: CutPart;
  html: CutPart;
  text: CutPart;
}

/**
 * Templates cut at their fields, by the source's object (Perfex's source hands out the same
 * object until it reads the host again); one whose text changed since is cut again.
 */
const compiled = new WeakMap<HostEmailTemplate, CompiledTemplate>();

function compiledTemplate(template: HostEmailTemplate): CompiledTemplate {
  const found = compiled.get(template);
  if (found && found.source.subject === template.subject && found.source.message === template.message)
    return found;
  const fresh = {
    source: { subject: template.subject, message: template.message },
    subject: cutFields(decodeEntities(template.subject)),
    html: cutFields(template.message),
    text: cutFields(htmlToText(template.message)),
  };
  compiled.set(template, fresh);
  return fresh;
}

/** The part cut at each FIELD match, as `replace` with FIELD would visit them. */
function cutFields(source: string): CutPart {
  const literals: string[] = [];
  const fields: CutPart['fields'] = [];
  let from = 0;
  for (const m of source.matchAll(FIELD)) {
    literals.push(source.slice(from, m.index));
    fields.push({ name: (m[1] ?? m[2] ?? '').toLowerCase(), whole: m[0] });
    from = m.index + m[0].length;
  }
  literals.push(source.slice(from));
  return { literals, fields };
}

function fill(
  { literals, fields }: CutPart,
  lookup: (name: string) => { html: string; text: string } | undefined,
  part: 'html' | 'text',
): string {
  let out = literals[0];
  for (let i = 0; i < fields.length; i++) {
    const value = lookup(fields[i].name);
    out += (value === undefined ? fields[i].whole : value[part]) + literals[i + 1];
  }
  return out;
}

/**
 * The text an HTML body reads as: line breaks at `<br>` and block ends, a link as its words and
 * its address, entities decoded. Merge fields are still in it, so values are never parsed as HTML.
 */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<(script|style|head|title)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(
      /<a\b[^>]*?\bhref\s*=\s*("([^"]*)"|'([^']*)')[^>]*>([\s\S]*?)<\/a\s*>/gi,
      (_m, _q, dq?: string, sq?: string, inner = '') => {
        const href = (dq ?? sq ?? '').trim();
        const words = stripTags(inner).trim();
        if (!href || decodeEntities(words) === decodeEntities(href)) return words || href;
        return words ? `${words}: ${href}` : href;
      },
    )
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|tr|table|h[1-6]|ul|ol)\s*>/gi, '\n\n')
    .replace(/<\/(li|td|th)\s*>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '- ');
  return decodeEntities(stripTags(text))
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, '');
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

/** A mail subject is one line, whatever an admin or a ticket subject put into it. */
function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}
