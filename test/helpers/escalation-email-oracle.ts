import type { i18n } from 'i18next';
import { DateTime } from 'luxon';
import { phrasesFor } from '../../src/i18n/phrase-cache';
import { formatDateTime } from '../../src/i18n/format-date';
import { renderView } from '../../src/i18n/render-view';
import { formatDuration } from '../../src/i18n/format-duration';
import type { EmailTemplateSource, HostEmailTemplate } from '../../src/host/host-context';
import { escapeHtml } from '../../src/web/escape-html';
import {
  EMAIL_TEMPLATE_SLUGS,
  hostTemplate,
  htmlToText,
  type MergeValues,
} from '../../src/notify/host-email-template';
import type { EscalationEmailInput, RenderedEmail } from '../../src/notify/escalation-email';

/**
 * The escalation email renderer as it was before the compiled one (src/notify/escalation-email.ts,
 * commit dbdcd92): every email through EJS and i18next phrases, every host template through its
 * regular expressions. Kept as the oracle the compiled renderer must equal byte for byte
 * (test/unit/escalation-email-oracle.test.ts); not used by the module.
 */

/** `t(key, values)`: what the email's code and its templates word their phrases with. */
type Words = (key: string, values?: Readonly<Record<string, unknown>>) => string;

/** Room for the tag, ticket number and status in a subject that still fits a mail list column. */
const MAX_TICKET_SUBJECT = 80;

/**
 * Renders one escalation email in the recipient's language: a short, sortable subject
 * (`[SLA breach] #1234 Printer down — resolution 2h 10m late`), an HTML part with inline styles
 * and a plain-text part. Whether it is a warning or a breach follows from `now` and `dueAt`, so a
 * warning level that fires late (the module was off) does not claim there is time left.
 * When the host holds an edited template for the subject kind and language (`templates`, Perfex's
 * Setup > Email Templates), that one is filled with the same values instead.
 */
export async function renderEscalationEmailOracle(
  input: EscalationEmailInput,
  translator: i18n,
  language: string,
  templates?: EmailTemplateSource,
): Promise<RenderedEmail> {
  // A tick renders an email per escalation: each phrase is worded once per language and process.
  const phrases = phrasesFor(translator, language);
  const t: Words = (key, values) => phrases.format(key, values);
  const due = DateTime.fromJSDate(input.dueAt, { zone: input.zone });
  if (!due.isValid) throw new Error(`escalation email: invalid time zone "${input.zone}"`);

  const status = statusOf(input, t);
  const ticketSubject = oneLine(input.ticketSubject);
  const subject = t('emails.subject.line', {
    tag: t(`emails.tag.${status.kind === 'warning' ? 'warning' : 'breach'}`),
    id: input.ticketId,
    ticket: truncate(ticketSubject, MAX_TICKET_SUBJECT),
    status: status.subject,
  });
  const view = {
    t,
    lang: language,
    subject,
    status,
    input,
    ticketSubject,
    // Capitalised, as a table value; the lower-case `emails.metric.*` forms sit mid-sentence.
    metricName: internalOr(
      input,
      t,
      'emails.internal_target',
      input.statusName === undefined
        ? t(`metrics.${input.metric}`)
        : t('metrics.status_time_in', { status: input.statusName }),
    ),
    // The pages' one date format per language (the year only when it is not this year's).
    dueText: `${formatDateTime(input.dueAt, input.zone, language, input.now)} (${input.zone})`,
    levelText: t('emails.level_value', {
      level: input.level,
      trigger: t(`emails.trigger.${input.triggerType}`),
    }),
  };
  const slug = input.lead ? EMAIL_TEMPLATE_SLUGS.escalationLead : EMAIL_TEMPLATE_SLUGS.escalationTicket;
  const edited = await hostTemplate(templates, slug, language);
  if (edited) return renderHostTemplateOracle(edited, mergeValues(view, t));
  const [html, text] = await Promise.all([
    renderView('emails/escalation.html', view),
    renderView('emails/escalation.text', view),
  ]);
  return { subject, html, text };
}

/**
 * The merge fields of the host's escalation templates, the values the module's own template shows
 * (install.md lists them). A lead's fields are named for a lead; the level's are shared.
 */
function mergeValues(
  view: { status: EmailStatus; input: EscalationEmailInput; ticketSubject: string } & Record<
    'metricName' | 'dueText' | 'levelText',
    string
  >,
  t: Words,
): MergeValues {
  const { input, status } = view;
  const shared = {
    sla_recipient_name: input.recipientName,
    sla_tag: t(`emails.tag.${status.kind === 'warning' ? 'warning' : 'breach'}`),
    sla_intro: status.intro,
    sla_metric: view.metricName,
    sla_due_at: view.dueText,
    sla_status: status.short,
    sla_level: view.levelText,
    sla_sla_url: input.slaUrl,
  };
  if (input.lead)
    return {
      text: {
        ...shared,
        sla_lead_id: String(input.ticketId),
        sla_lead_name: view.ticketSubject,
        sla_lead_company: input.lead.company,
        sla_market: input.lead.marketName,
        sla_source: input.lead.sourceName,
        sla_lead_url: input.ticketUrl,
      },
    };
  return {
    text: {
      ...shared,
      sla_ticket_id: String(input.ticketId),
      sla_ticket_subject: view.ticketSubject,
      sla_client_name: input.clientName ?? t('emails.no_client'),
      sla_department: input.departmentName,
      sla_ticket_url: input.ticketUrl,
    },
  };
}

interface EmailStatus {
  kind: 'warning' | 'due_now' | 'late';
  /** The subject's status phrase, e.g. "resolution 2h 10m late". */
  subject: string;
  /** The body's opening sentence. */
  intro: string;
  /** The status cell, e.g. "2h 10m late". */
  short: string;
}

function statusOf(input: EscalationEmailInput, t: Words): EmailStatus {
  const metric = internalOr(
    input,
    t,
    'emails.internal_metric',
    input.statusName === undefined
      ? t(`emails.metric.${input.metric}`)
      : t('emails.metric.status_time_in', { status: input.statusName }),
  );
  const id = input.ticketId;
  const intro = input.lead ? 'emails.lead_intro' : 'emails.intro';
  const ms = input.dueAt.getTime() - input.now.getTime();
  const duration = (minutes: number): string =>
    formatDuration(minutes, {
      days: (count) => t('emails.duration.days', { count }),
      hours: (count) => t('emails.duration.hours', { count }),
      minutes: (count) => t('emails.duration.minutes', { count }),
    });
  if (ms > 0) {
    // Rounded up: with 44.5 minutes left the target is "due in 45m", never "in 0m".
    const left = duration(Math.ceil(ms / 60_000));
    return {
      kind: 'warning',
      subject: t('emails.subject.due_in', { metric, duration: left }),
      intro: t(`${intro}.warning`, { metric, id, duration: left }),
      short: t('emails.status.due_in', { duration: left }),
    };
  }
  // Rounded down: 30 seconds after the due time is "due now", not "1m late".
  const lateMinutes = Math.floor(-ms / 60_000);
  if (lateMinutes < 1) {
    return {
      kind: 'due_now',
      subject: t('emails.subject.due_now', { metric }),
      intro: t(`${intro}.due_now`, { metric, id }),
      short: t('emails.status.due_now'),
    };
  }
  const late = duration(lateMinutes);
  return {
    kind: 'late',
    subject: t('emails.subject.late', { metric, duration: late }),
    intro: t(`${intro}.late`, { metric, id, duration: late }),
    short: t('emails.status.late', { duration: late }),
  };
}

/** A metric's words, marked as the team's internal target when the level is about one. */
function internalOr(input: EscalationEmailInput, t: Words, key: string, metric: string): string {
  return input.internal ? t(key, { metric }) : metric;
}

/** Ticket subjects may carry line breaks; a mail subject must not. */
function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

function truncate(value: string, max: number): string {
  const chars = [...value];
  return chars.length <= max ? value : `${chars.slice(0, max - 1).join('')}…`;
}

/** A merge field, also as a rich-text editor may write it inside a link (`%7Bsla_ticket_url%7D`). */
const FIELD = /\{([a-z][a-z0-9_]*)\}|%7B([a-z][a-z0-9_]*)%7D/gi;

/**
 * Renders a host-edited template: merge fields replaced with the values (HTML-escaped in the
 * body, raw in the subject and the text part, which are not HTML), the text part derived from
 * the body by dropping its tags. A field the module does not know stays as written, so a typo
 * shows in the email instead of vanishing.
 */
export function renderHostTemplateOracle(template: HostEmailTemplate, values: MergeValues): RenderedEmail {
  const lookup = (name: string): { html: string; text: string } | undefined => {
    const key = name.toLowerCase();
    const rich = values.html?.[key];
    if (rich) return rich;
    const plain = values.text[key];
    return plain === undefined ? undefined : { html: escapeHtml(plain), text: plain };
  };
  const fill = (source: string, part: 'html' | 'text'): string =>
    source.replace(FIELD, (whole, braced?: string, encoded?: string) => {
      const value = lookup(braced ?? encoded ?? '');
      return value === undefined ? whole : value[part];
    });
  const subject = oneLine(fill(decodeEntities(template.subject), 'text'));
  const html = fill(template.message, 'html');
  const text = fill(htmlToText(template.message), 'text');
  return { subject, html, text };
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
