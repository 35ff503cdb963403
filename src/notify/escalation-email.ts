import type { i18n } from 'i18next';
import { phrasesFor } from '../i18n/phrase-cache';
import { DateTime } from 'luxon';
import { listDateTimeFormatter } from '../i18n/compiled-date-format';
import {
  escalationSkeleton,
  fillSkeletonValues,
  skeletonValues,
  type Skeleton,
} from './escalation-email-skeleton';
import { storedSkeleton, type StoredSkeleton } from './stored-skeleton';
import { formatDuration } from '../i18n/format-duration';
import type { EmailTemplateSource } from '../host/host-context';
import {
  EMAIL_TEMPLATE_SLUGS,
  hostTemplate,
  renderHostTemplate,
  type MergeValues,
} from './host-email-template';

export type EmailMetric = 'first_response' | 'next_response' | 'resolution' | 'status_time';
export type EmailTrigger = 'before_due' | 'at_due' | 'after_due';

/**
 * What an escalation email says; times are instants, shown in `zone`. For a lead, `ticketId`,
 * `ticketSubject`, `ticketUrl` and `slaUrl` are the lead's id, name and links, and `lead` carries
 * what the email shows instead of client and department.
 */
export interface EscalationEmailInput {
  ticketId: number;
  ticketSubject: string;
  lead?: { company: string; marketName: string; sourceName: string };
  clientName: string | null;
  departmentName: string;
  metric: EmailMetric;
  /** The host's name of the status a status_time clock is about ("time in On Hold"). */
  statusName?: string;
  /** The level fired on a team's internal target (OLA), not on the customer's SLA. */
  internal?: boolean;
  /** 1-based level of the policy's ladder. */
  level: number;
  triggerType: EmailTrigger;
  dueAt: Date;
  /** IANA zone of the policy's calendar. */
  zone: string;
  now: Date;
  ticketUrl: string;
  slaUrl: string;
  recipientName: string;
}

/** `t(key, values)`: what the email's code and its templates word their phrases with. */
type Words = (key: string, values?: Readonly<Record<string, unknown>>) => string;

/** A rendered email, ready for the outbox. */
export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/**
 * An escalation email as the outbox keeps it: rendered (a host-edited template), or the module's
 * own template as its stored skeleton and this email's values (filled when it is sent).
 */
export type OutboxEmail = RenderedEmail | SkeletonEmail;

export interface SkeletonEmail {
  subject: string;
  skeleton: StoredSkeleton;
  /** The same skeleton as this process holds it (filled at once by renderEscalationEmail). */
  parts: Skeleton;
  /** The values in EMAIL_FIELDS' order, raw (the HTML part escapes them when filled). */
  values: string[];
}

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
export async function renderEscalationEmail(
  input: EscalationEmailInput,
  translator: i18n,
  language: string,
  templates?: EmailTemplateSource,
): Promise<RenderedEmail> {
  const email = await composeEscalationEmail(input, translator, language, templates);
  return 'skeleton' in email
    ? { subject: email.subject, ...fillSkeletonValues(email.parts, email.values) }
    : email;
}

/**
 * renderEscalationEmail for the outbox: the module's own template is not filled here but kept as
 * its skeleton and values, which the outbox stores apart and the sender fills at claim time.
 */
export async function composeEscalationEmail(
  input: EscalationEmailInput,
  translator: i18n,
  language: string,
  templates?: EmailTemplateSource,
): Promise<OutboxEmail> {
  // A tick renders an email per escalation: each phrase is worded once per language and process.
  const phrases = phrasesFor(translator, language);
  const t: Words = (key, values) => phrases.format(key, values);
  if (Number.isNaN(input.dueAt.getTime()) || !knownZone(input.zone))
    throw new Error(`escalation email: invalid time zone "${input.zone}"`);

  const status = statusOf(input, t);
  const ticketSubject = oneLine(input.ticketSubject);
  const subject = t('emails.subject.line', {
    tag: t(`emails.tag.${status.kind === 'warning' ? 'warning' : 'breach'}`),
    id: input.ticketId,
    ticket: truncate(ticketSubject, MAX_TICKET_SUBJECT),
    status: status.subject,
  });
  const view = {
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
    // The pages' one date format per language (the year only when it is not this year's), by
    // the compiled route that words it as formatDateTime does without a luxon object per email.
    dueText: `${listDateTimeFormatter(language, input.zone, input.now)(input.dueAt)} (${input.zone})`,
    levelText: t('emails.level_value', {
      level: input.level,
      trigger: t(`emails.trigger.${input.triggerType}`),
    }),
  };
  const slug = input.lead ? EMAIL_TEMPLATE_SLUGS.escalationLead : EMAIL_TEMPLATE_SLUGS.escalationTicket;
  const edited = await hostTemplate(templates, slug, language);
  if (edited) return renderHostTemplate(edited, mergeValues(view, t));
  // The module's own templates, rendered once per language and shape with the values cut out
  // (escalation-email-skeleton.ts); each email brings its own values, filled when it is sent.
  const shape = {
    lead: input.lead !== undefined,
    kind: status.kind,
    company: input.lead !== undefined && input.lead.company !== '',
    client: input.clientName !== null,
  };
  const skeleton = await escalationSkeleton(translator, language, shape, t);
  const values = skeletonValues({
    subject,
    statusSubject: status.subject,
    intro: status.intro,
    short: status.short,
    recipientName: input.recipientName,
    ticketId: String(input.ticketId),
    ticketSubject,
    company: input.lead?.company ?? '',
    market: input.lead?.marketName ?? '',
    source: input.lead?.sourceName ?? '',
    client: input.clientName ?? '',
    department: input.departmentName,
    metricName: view.metricName,
    dueText: view.dueText,
    levelText: view.levelText,
    ticketUrl: input.ticketUrl,
    slaUrl: input.slaUrl,
  });
  return { subject, skeleton: storedSkeleton(skeleton), parts: skeleton, values };
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

const zones = new Map<string, boolean>();

/**
 * Whether luxon reads `zone` (what a DateTime in it asks), asked once per zone: a DateTime per
 * email cost more than the rest of its date.
 */
function knownZone(zone: string): boolean {
  let known = zones.get(zone);
  if (known === undefined) {
    known = DateTime.fromMillis(0, { zone }).isValid;
    if (zones.size < 1000) zones.set(zone, known);
  }
  return known;
}
