import type { ClockState } from '../sla/clocks/sla-event';
import { escapeHtml } from './escape-html';

/** A ticket's or clock's state, or `not_due` for a cycle whose calendar does not open (ticket panel). */
export type BadgeState = ClockState | 'not_due';

/** One colour code for the six states, everywhere (list badges, panel, dashboard). */
export const STATE_COLORS: Record<ClockState, string> = {
  // Dark enough for white text at WCAG AA (4.5:1).
  on_track: '#15803d',
  at_risk: '#b45309',
  breached: '#b91c1c',
  paused: '#475569',
  met: '#1d4ed8',
  no_policy: '#6b7280',
};

export function stateBadge(state: BadgeState, label: string, title = ''): string {
  // Inline colours: the module's badges must look right in any host's stylesheet. Not due reads
  // like no policy: nothing is owed.
  const color = state === 'not_due' ? STATE_COLORS.no_policy : STATE_COLORS[state];
  const style = `background:${color};color:#fff;border-radius:4px;padding:1px 6px;font-size:12px;white-space:nowrap`;
  return `<span class="sv-badge sv-badge--${state}" data-sla-state="${state}" style="${style}" title="${escapeHtml(title)}">${escapeHtml(label)}</span>`;
}
