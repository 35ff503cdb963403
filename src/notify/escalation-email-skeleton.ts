import ejs from 'ejs';
import type { i18n } from 'i18next';
import { renderView } from '../i18n/render-view';

/**
 * The values of the module's escalation templates (views/emails/escalation.*.ejs) that differ
 * between two emails of one language and shape: everything else (the phrases, the markup, the
 * accent colour) is the same for all of them.
 */
export const EMAIL_FIELDS = [
  'subject',
  'statusSubject',
  'intro',
  'short',
  'recipientName',
  'ticketId',
  'ticketSubject',
  'company',
  'market',
  'source',
  'client',
  'department',
  'metricName',
  'dueText',
  'levelText',
  'ticketUrl',
  'slaUrl',
] as const;

export type EmailField = (typeof EMAIL_FIELDS)[number];

/** What the templates branch on besides the language: emails of one shape share a skeleton. */
export interface EmailShape {
  lead: boolean;
  /** The status kind (a warning's accent colour differs from a breach's). */
  kind: 'warning' | 'due_now' | 'late';
  /** A lead's company is non-empty (the template shows `—` for an empty one). */
  company: boolean;
  /** A ticket's client is known (the template shows the "no client" phrase for null). */
  client: boolean;
}

/** A template's output with the fields cut out: `literals[0] fields[0] literals[1] ... literals[n]`. */
export interface Cut {
  literals: string[];
  /** Indexes into the values (EMAIL_FIELDS' order). */
  fields: number[];
}

export interface Skeleton {
  html: Cut;
  text: Cut;
}

/** Stands in for field `i` while the skeleton is rendered: EJS escapes none of its characters. */
const MARK = '\u0000sv-field:';
const mark = (i: number): string => `${MARK}${i}\u0000`;
const MARKS = new RegExp(`${MARK}(\\d+)\u0000`);

/** `t(key, values)` as the templates call it. */
type Words = (key: string, values?: Readonly<Record<string, unknown>>) => string;

const skeletons = new WeakMap<i18n, Map<string, Promise<Skeleton>>>();

/**
 * The escalation email's HTML and text parts for a language and shape with the per-email values
 * cut out, rendered through EJS once per process (a tick renders an email per escalation, and
 * EJS plus the phrases cost ~200 µs per email; filling a skeleton costs a few). With
 * NODE_ENV=development, where renderView re-reads edited templates, it is rendered each time.
 */
export function escalationSkeleton(
  translator: i18n,
  language: string,
  shape: EmailShape,
  t: Words,
): Promise<Skeleton> {
  if (process.env.NODE_ENV === 'development') return renderSkeleton(language, shape, t);
  let byKey = skeletons.get(translator);
  if (!byKey) {
    byKey = new Map();
    skeletons.set(translator, byKey);
  }
  const key = `${language}\u0000${shape.lead}\u0000${shape.kind}\u0000${shape.company}\u0000${shape.client}`;
  let skeleton = byKey.get(key);
  if (!skeleton) {
    skeleton = renderSkeleton(language, shape, t);
    // A failed render (a broken template) is not kept: the next email tries again.
    skeleton.catch(() => byKey.delete(key));
    byKey.set(key, skeleton);
  }
  return skeleton;
}

/**
 * Renders both templates with a mark in place of each field. The view carries only what the
 * templates read; a template that starts reading another value of the input gets `undefined` and
 * the oracle test (the old renderer, test/helpers/escalation-email-oracle.ts) fails.
 */
async function renderSkeleton(language: string, shape: EmailShape, t: Words): Promise<Skeleton> {
  const f = Object.fromEntries(EMAIL_FIELDS.map((name, i) => [name, mark(i)])) as Record<EmailField, string>;
  const view = {
    t,
    lang: language,
    subject: f.subject,
    status: { kind: shape.kind, subject: f.statusSubject, intro: f.intro, short: f.short },
    input: {
      ticketId: f.ticketId,
      recipientName: f.recipientName,
      ...(shape.lead
        ? { lead: { company: shape.company ? f.company : '', marketName: f.market, sourceName: f.source } }
        : {}),
      clientName: shape.client ? f.client : null,
      departmentName: f.department,
      ticketUrl: f.ticketUrl,
      slaUrl: f.slaUrl,
    },
    ticketSubject: f.ticketSubject,
    metricName: f.metricName,
    dueText: f.dueText,
    levelText: f.levelText,
  };
  const [html, text] = await Promise.all([
    renderView('emails/escalation.html', view),
    renderView('emails/escalation.text', view),
  ]);
  return { html: cut(html), text: cut(text) };
}

function cut(rendered: string): Cut {
  const parts = rendered.split(MARKS);
  return {
    literals: parts.filter((_, i) => i % 2 === 0),
    fields: parts.filter((_, i) => i % 2 === 1).map(Number),
  };
}

/** The values of one email in the order a skeleton's cuts index them (EMAIL_FIELDS'). */
export function skeletonValues(values: Readonly<Record<EmailField, string>>): string[] {
  return EMAIL_FIELDS.map((name) => values[name]);
}

/**
 * One email's parts from its skeleton and its values in EMAIL_FIELDS' order (as the outbox keeps
 * them): the values HTML-escaped as EJS's `<%= %>` escapes them (character by character, so
 * escaping a value alone equals escaping the phrase around it) in the HTML part, raw in the text
 * part.
 */
export function fillSkeletonValues(
  skeleton: Skeleton,
  raw: readonly string[],
): { html: string; text: string } {
  return { html: fill(skeleton.html, raw.map(ejs.escapeXML)), text: fill(skeleton.text, raw) };
}

function fill({ literals, fields }: Cut, values: readonly string[]): string {
  let out = literals[0];
  for (let i = 0; i < fields.length; i++) out += values[fields[i]] + literals[i + 1];
  return out;
}
