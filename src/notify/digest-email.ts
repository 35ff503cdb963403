import type { i18n, TFunction } from 'i18next';
import { DateTime } from 'luxon';
import { formatDateTime } from '../i18n/format-date';
import { renderView } from '../i18n/render-view';
import type { DailyItem, WeeklyContent } from './digest-content';
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
): Promise<RenderedEmail> {
  const lang = recipient.language;
  const t = translator.getFixedT(lang);
  const subject = t('digests.email.daily_subject', { count: items.length });
  const view = {
    t,
    lang,
    subject,
    recipient,
    intro: t('digests.email.daily_intro', { date: localDate(now, zone, lang) }),
    items: items.map((item) => ({
      ...item,
      kindName: t(`digests.email.${item.subjectType}`),
      metricName: metricName(item.metric, t),
      stateName: t(`states.${item.state}`),
      dueText: formatDateTime(item.dueAt, zone, lang, now),
    })),
    zone,
  };
  const [html, text] = await Promise.all([
    renderView('emails/digest-daily.html', view),
    renderView('emails/digest-daily.text', view),
  ]);
  return { subject, html, text };
}

/** The weekly digest for one manager, in their language. */
export async function renderWeeklyDigest(
  content: WeeklyContent,
  recipient: DigestRecipient,
  zone: string,
  now: Date,
  translator: i18n,
): Promise<RenderedEmail> {
  const lang = recipient.language;
  const t = translator.getFixedT(lang);
  const pct = (value: number | null) => percent(value, t, lang);
  const week = DateTime.fromJSDate(content.last.from, { zone }).toFormat("kkkk-'W'WW");
  const subject = t('digests.email.weekly_subject', { week, percent: pct(content.total.last) });
  const lastDay = new Date(content.last.to.getTime() - 1);
  const rows = (list: WeeklyContent['departments']) =>
    list.map((r) => ({ ...r, lastText: pct(r.last), beforeText: pct(r.before) }));
  const view = {
    t,
    lang,
    subject,
    recipient,
    zone,
    intro: t('digests.email.weekly_intro', {
      from: localDate(content.last.from, zone, lang),
      to: localDate(lastDay, zone, lang),
    }),
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
  const [html, text] = await Promise.all([
    renderView('emails/digest-weekly.html', view),
    renderView('emails/digest-weekly.text', view),
  ]);
  return { subject, html, text };
}
