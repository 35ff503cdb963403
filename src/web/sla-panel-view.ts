import type { TFunction } from 'i18next';
import type { HostContext } from '../host/host-context';
import type { SubjectType } from '../store/timeline-repository';
import type { StoredClock } from '../store/clock-repository';
import type { SubjectSla } from '../store/read/subject-sla-service';
import type { ExplainPhrases } from '../sla/clocks/explain-clock';
import type { BookPolicy, PolicyBook } from '../sla/policy/policy-book';
import { translatorFor } from '../i18n/translator';
import { renderView } from '../i18n/render-view';
import { dateTimeFormatter, formatDateTime } from '../i18n/format-date';
import type { i18n } from 'i18next';
import { explainPhrases } from './explain-phrases';
import { stateBadge } from './state-badge';
import { describeChange, type NameBook } from './view-helpers';
import { countdownTemplates, staffLanguage } from './ticket-widgets';
import {
  clockLabels,
  endedKey,
  formatPausedMinutes,
  panelClocks,
  toEntry,
  withLadderNames,
  withPolicyNames,
} from './sla-panel-parts';

/** What one subject kind's services give the SLA tab (the ticket and the lead kind each have them). */
export interface PanelSources {
  kind: SubjectType;
  sla: {
    get(
      id: number,
      now: Date,
      zone: string,
      phrases?: ExplainPhrases,
    ): Promise<Omit<SubjectSla, 'subjectType' | 'subjectId'> | null>;
  };
  timeline: { forSubject(kind: SubjectType, id: number): Promise<unknown[]> };
  escalationLog: { forSubject(id: number): Promise<Record<string, unknown>[]> };
  clocks: { policyBook(): Promise<PolicyBook> };
  clockRepo: { forSubjects(ids: readonly number[]): Promise<StoredClock[]> };
}

/** The subject the tab is about, as its kind sees it. */
export interface PanelSubject {
  id: number;
  /** Its host status now; null when the host row is gone. */
  status: number | null;
  /** The one metric a pause status holds on this kind (tickets: resolution; leads: status_time). */
  pausedMetric: string;
  names: NameBook;
  /** The name of the team whose internal targets (OLA) hold for the subject under this policy. */
  internalTeam?(policy: BookPolicy): string | null;
  /** Which of the policy's match conditions the subject meets, in words. */
  matchReasons(policy: BookPolicy, t: TFunction): Promise<string[]> | string[];
}

/**
 * The SLA tab of a ticket or a lead (views/partials/sla-panel.ejs): the policy and why it
 * applies, every metric and cycle with its state, business time left, due time and a live
 * countdown, paused time, the escalation history and the timeline. Only what differs per kind
 * (names, match reasons, which metric a pause holds) comes from the caller.
 */
export async function renderSlaPanel(
  host: HostContext,
  translator: i18n,
  sources: PanelSources,
  subject: PanelSubject,
  staffId: number,
  language: string | undefined,
): Promise<string> {
  const now = host.clock.now();
  const lang = language ?? (await staffLanguage(host, staffId));
  const t = translatorFor(translator, lang);
  const [sla, events, escalations, book, stored] = await Promise.all([
    sources.sla.get(subject.id, now, host.timezone, explainPhrases(t, lang)),
    sources.timeline.forSubject(sources.kind, subject.id),
    sources.escalationLog.forSubject(subject.id),
    sources.clocks.policyBook(),
    sources.clockRepo.forSubjects([subject.id]),
  ]);
  const { names } = subject;
  const ended = new Set(stored.filter((c) => c.endedAt !== null).map(endedKey));
  const label = clockLabels(t, names, [...(sla?.clocks ?? []), ...stored]);
  const policy = sla?.policy ? book.byId(sla.policy.id) : undefined;
  const calendar = sla?.policy ? (book.clockPolicy(sla.policy.id)?.calendar ?? null) : null;
  // A pause status holds one metric of the kind while the subject sits in it (DESIGN.md).
  const status = subject.status;
  const pausing = status !== null && (policy?.pauseStatusIds ?? []).includes(status);
  const teamName = (policy && subject.internalTeam?.(policy)) ?? null;
  const pausedNow = (metric: string): string | null =>
    pausing && metric === subject.pausedMetric ? (names.status.get(String(status)) ?? `#${status}`) : null;
  return renderView('partials/sla-panel', {
    kind: sources.kind,
    t,
    sla,
    clocks: sla
      ? panelClocks(
          sla,
          calendar,
          ended,
          label,
          pausedNow,
          t,
          lang,
          now,
          policy ? subject.internalTeam?.(policy) : null,
        )
      : [],
    matchedOn: policy && status !== null ? await subject.matchReasons(policy, t) : [],
    escalations: withLadderNames(
      escalations.map((row) => {
        const entry = toEntry(row, label, t, {
          staffName: (id) => names.staff.get(String(id)) ?? `#${id}`,
          timeFor: (at, id) => formatDateTime(at, book.zoneOf(id) ?? host.timezone, lang, now),
        });
        // A level on the team's internal clock says so, as the clock's own row does.
        const internal = book
          .clockPolicy(entry.policyId)
          ?.ladder?.some((l) => l.key === row.level_key && l.scope === 'internal');
        return internal
          ? { ...entry, label: t('panel.internal_clock', { team: teamName ?? '—', metric: entry.label }) }
          : entry;
      }),
      book,
    ),
    events,
    stateBadge,
    names: withPolicyNames(names, book, t),
    describeChange,
    fmt: dateTimeFormatter(lang, host.timezone, now),
    zone: host.timezone,
    countdownTemplates: JSON.stringify({ ...countdownTemplates(t), serverNow: now.getTime() }),
    formatPaused: (minutes: number) => formatPausedMinutes(t, minutes),
  });
}
