import type { i18n, TFunction } from 'i18next';
import { DateTime } from 'luxon';
import { formatDateTime } from '../i18n/format-date';
import { renderView } from '../i18n/render-view';
import type { EmailTemplateSource } from '../host/host-context';
import type { DailyItem, WeeklyContent } from './digest-content';
import { renderDigestFromHostTemplate } from './digest-host-template';
import type { RenderedEmail } from './escalation-email';

/** Who a digest is for: the greeting and the language. */
export interface DigestRecipient {
  name: string;
  language: string;
}

/** A percentage as the reports print it (one decimal), or "—" when nothing finished. */
function percent(value: number | null, t: TFunction, lang: string): string {
  if (value === null) return t('digests.email.no_data');
  return `${new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(value)} %`;
}

function metricName(metric: string, t: TFunction): string {
  return t(`metrics.${metric}`, { defaultValue: metric });
}

/** A local date in the recipient's language ("7 Dec 2026", "7. Dez. 2026"). */
function localDate(at: Date, zone: string, lang: string): string {
  return DateTime.fromJSDate(at, { zone }).setLocale(lang).toLocaleString(DateTime.DATE_MED);
}

/**
 * One digest email: the host's edited template for this kind and language when it has one (Perfex:
 * Setup > Email Templates), with the module's digest body as its `{sla_vigil_content}`; otherwise
 * the module's own email. `period` is the label the digest's intro shows.
 */
async function renderDigest(
  kind: 'daily' | 'weekly',
  view: Record<string, unknown> & { subject: string; lang: string; recipient: DigestRecipient },
  period: string,
  templates: EmailTemplateSource | undefined,
): Promise<RenderedEmail> {
  const render = (contentOnly: boolean) =>
    Promise.all([
      renderView(`emails/digest-${kind}.html`, { ...view, contentOnly }),
      renderView(`emails/digest-${kind}.text`, { ...view, contentOnly }),
    ]);
  if (templates) {
    const [html, text] = await render(true);
    const edited = await renderDigestFromHostTemplate(
      templates,
      { kind, recipientName: view.recipient.name, period, content: { html, text } },
      view.lang,
    );
    if (edited) return edited;
  }
  const [html, text] = await render(false);
  return { subject: view.subject, html, text };
}

/**
 * The daily digest of one staff member, in their language: their breached, at-risk and due-today
 * tickets and leads, most urgent first, each linked to its page. Times are in the host's zone,
 * worded as the escalation emails word them.
 */
export async function renderDailyDigest(
  items: readonly DailyItem[],
  recipient: DigestRecipient,
  zone: string,
  now: Date,
  translator: i18n,
  templates?: EmailTemplateSource,
): Promise<RenderedEmail> {
  const lang = recipient.language;
  const t = translator.getFixedT(lang);
  const subject = t('digests.email.daily_subject', { count: items.length });
  const period = localDate(now, zone, lang);
  const view = {
    t,
    lang,
    subject,
    recipient,
    intro: t('digests.email.daily_intro', { date: period }),
    items: items.map((item) => ({
      ...item,
      kindName: t(`digests.email.${item.subjectType}`),
      metricName: metricName(item.metric, t),
      stateName: t(`states.${item.state}`),
      dueText: formatDateTime(item.dueAt, zone, lang, now),
    })),
    zone,
  };
  return renderDigest('daily', view, period, templates);
}

/** The weekly digest for one manager, in their language. */
export async function renderWeeklyDigest(
  content: WeeklyContent,
  recipient: DigestRecipient,
  zone: string,
  now: Date,
  translator: i18n,
  templates?: EmailTemplateSource,
): Promise<RenderedEmail> {
  const lang = recipient.language;
  const t = translator.getFixedT(lang);
  const pct = (value: number | null) => percent(value, t, lang);
  const week = DateTime.fromJSDate(content.last.from, { zone }).toFormat("kkkk-'W'WW");
  const subject = t('digests.email.weekly_subject', { week, percent: pct(content.total.last) });
  const lastDay = new Date(content.last.to.getTime() - 1);
  const from = localDate(content.last.from, zone, lang);
  const to = localDate(lastDay, zone, lang);
  const rows = (list: WeeklyContent['departments']) =>
    list.map((r) => ({ ...r, lastText: pct(r.last), beforeText: pct(r.before) }));
  const view = {
    t,
    lang,
    subject,
    recipient,
    zone,
    intro: t('digests.email.weekly_intro', { from, to }),
    total: { lastText: pct(content.total.last), beforeText: pct(content.total.before) },
    departments: rows(content.departments),
    policies: rows(content.policies),
    worstAgents: content.worstAgents,
    topBreaches: content.topBreaches.map((b) => ({
      ...b,
      metricName: metricName(b.metric, t),
      dueText: formatDateTime(b.dueAt, zone, lang, now),
    })),
    noPolicy: content.noPolicy,
  };
  return renderDigest('weekly', view, `${from} – ${to}`, templates);
}
