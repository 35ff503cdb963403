import type { ClockState } from '../sla/clocks/sla-event';
import { escapeHtml } from './escape-html';

/** One colour code for the six states, everywhere (list badges, panel, dashboard). */
export const STATE_COLORS: Record<ClockState, string> = {
  on_track: '#16a34a',
  at_risk: '#d97706',
  breached: '#dc2626',
  paused: '#64748b',
  met: '#2563eb',
  no_policy: '#9ca3af',
};

export function stateBadge(state: ClockState, label: string, title = ''): string {
  // Inline colours: the module's badges must look right in any host's stylesheet.
  const style = `background:${STATE_COLORS[state]};color:#fff;border-radius:4px;padding:1px 6px;font-size:12px;white-space:nowrap`;
  return `<span class="sv-badge sv-badge--${state}" data-sla-state="${state}" style="${style}" title="${escapeHtml(title)}">${escapeHtml(label)}</span>`;
}
