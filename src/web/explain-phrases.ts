import type { TFunction } from 'i18next';
import type { ExplainPhrases } from '../sla/clocks/explain-clock';
import { formatDateTime } from '../i18n/format-date';

/**
 * The engine's explanations in the viewer's language: phrases from locales (`explain.*`),
 * dates in the viewer's language's one format (src/i18n/format-date.ts).
 */
export function explainPhrases(t: TFunction, lang: string): ExplainPhrases {
  const say =
    (key: string) =>
    (values: Record<string, string | number> = {}): string =>
      t(`explain.${key}`, values);
  return {
    // One date format per language (English: the engine's own compact "Fri 6 Mar 17:40").
    date: (at, zone) => formatDateTime(at, zone, lang),
    duration: (minutes, business) => {
      const rounded = Math.round(minutes);
      const hours = Math.floor(rounded / 60);
      const rest = rounded % 60;
      const prefix = business ? 'business_' : '';
      if (rest === 0 && hours > 0) return t(`explain.${prefix}hours`, { count: hours });
      if (hours === 0) return t(`explain.${prefix}minutes`, { minutes: rest });
      return t(`explain.${prefix}hours_minutes`, { hours, minutes: rest });
    },
    started: say('started'),
    startedClosed: say('started_closed'),
    statusFallback: say('status_fallback'),
    paused: say('paused'),
    pausedSince: say('paused_since'),
    pauseAfterDue: say('pause_after_due'),
    pauseAfterDueSince: say('pause_after_due_since'),
    met: say('met'),
    breachedMetLate: say('breached_met_late'),
    breachedWaiting: say('breached_waiting'),
    atRisk: say('at_risk'),
    pausedNow: say('paused_now'),
    onTrack: say('on_track'),
    notDueNeverOpen: say('not_due_never_open'),
    notDueBeyond: say('not_due_beyond'),
    metWithoutDue: say('met_without_due'),
    settled: say('settled'),
    endedUnanswered: say('ended_unanswered'),
    leftInTime: say('left_in_time'),
    leftLate: say('left_late'),
    breachedStillIn: say('breached_still_in'),
  };
}
