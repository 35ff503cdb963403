import { escapeHtml } from './escape-html';
import { STATE_COLORS } from './state-badge';

/** One day of the trend as the chart draws it. */
export interface TrendChartPoint {
  /** Stable key (yyyy-MM-dd), written to `data-day`. */
  day: string;
  /** On-time share in percent (0-100); null when nothing finished that day (a gap in the line). */
  compliance: number | null;
  breaches: number;
  /** Short x-axis text, e.g. "20 Nov". */
  tick: string;
  /** What a screen reader (and a hover tooltip) says for the day. */
  label: string;
}

export interface TrendChartText {
  title: string;
  description: string;
  /** Axis names: the left (on-time %), the right (breaches) and the bottom (days, with the zone). */
  axes: { left: string; right: string; bottom: string };
  /** Written over a day with nothing finished, so its gap reads as "no data", not as 0 %. */
  noData: string;
}

const W = 720;
const H = 256;
// Room around the plot for the tick values and, outside them, each axis's name.
const M = { top: 12, right: 52, bottom: 44, left: 58 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

const fixed = (n: number): string => String(Math.round(n * 10) / 10);

/**
 * Compliance % per day (a line, green like "on track") over breaches per day (bars, red like
 * "breached"), as inline SVG: no script, no external asset, so it renders inside any host page
 * and under a strict CSP. Accessible: a <title>/<desc> pair names the chart (role="img"), every
 * day column carries a <title> tooltip, and pages put the same numbers in a table for screen
 * readers. Pure: same input, same string.
 */
export function renderTrendChart(
  points: readonly TrendChartPoint[],
  text: TrendChartText,
  id = 'sv-trend',
): string {
  const n = Math.max(points.length, 1);
  const slot = PW / n;
  const maxBreaches = Math.max(1, ...points.map((p) => p.breaches));
  const x = (i: number): number => M.left + slot * (i + 0.5);
  const yPct = (pct: number): number => M.top + PH * (1 - pct / 100);
  const yBar = (count: number): number => (PH * count) / maxBreaches;
  const tickEvery = Math.max(1, Math.ceil(n / 8));

  const grid = [0, 50, 100]
    .map(
      (pct) =>
        `<line x1="${M.left}" x2="${W - M.right}" y1="${fixed(yPct(pct))}" y2="${fixed(yPct(pct))}" stroke="#e5e7eb"/>` +
        `<text x="${M.left - 6}" y="${fixed(yPct(pct) + 4)}" text-anchor="end" font-size="11" fill="#4b5563">${pct}%</text>`,
    )
    .join('');
  const rightAxis =
    `<text x="${W - M.right + 6}" y="${fixed(M.top + 4)}" font-size="11" fill="${STATE_COLORS.breached}">${maxBreaches}</text>` +
    `<text x="${W - M.right + 6}" y="${fixed(M.top + PH + 4)}" font-size="11" fill="${STATE_COLORS.breached}">0</text>`;

  const axisNames =
    `<text class="sv-axis-name" transform="translate(14 ${fixed(M.top + PH / 2)}) rotate(-90)" text-anchor="middle" font-size="11" fill="#374151">${escapeHtml(text.axes.left)}</text>` +
    `<text class="sv-axis-name" transform="translate(${W - 10} ${fixed(M.top + PH / 2)}) rotate(90)" text-anchor="middle" font-size="11" fill="${STATE_COLORS.breached}">${escapeHtml(text.axes.right)}</text>` +
    `<text class="sv-axis-name" x="${fixed(M.left + PW / 2)}" y="${H - 4}" text-anchor="middle" font-size="11" fill="#374151">${escapeHtml(text.axes.bottom)}</text>`;

  // The line breaks where a day has no finished clock rather than pretending it was 0 %.
  const segments: string[][] = [[]];
  points.forEach((p, i) => {
    if (p.compliance === null) segments.push([]);
    else segments[segments.length - 1].push(`${fixed(x(i))},${fixed(yPct(p.compliance))}`);
  });
  const lines = segments
    .filter((s) => s.length > 1)
    .map(
      (s) =>
        `<polyline points="${s.join(' ')}" fill="none" stroke="${STATE_COLORS.on_track}" stroke-width="2" aria-hidden="true"/>`,
    )
    .join('');

  const days = points
    .map((p, i) => {
      const barH = yBar(p.breaches);
      const bar =
        p.breaches > 0
          ? `<rect x="${fixed(x(i) - slot * 0.35)}" y="${fixed(M.top + PH - barH)}" width="${fixed(slot * 0.7)}" height="${fixed(barH)}" fill="${STATE_COLORS.breached}" fill-opacity="0.7"/>`
          : '';
      // A day with nothing finished has no on-time share: its column is shaded grey ("no data"),
      // with no point at all, so the gap never reads as a collapse to 0 %.
      const noData =
        p.compliance === null
          ? `<rect class="sv-no-data" x="${fixed(x(i) - slot / 2)}" y="${M.top}" width="${fixed(slot)}" height="${PH}" fill="#e5e7eb" fill-opacity="0.6"><title>${escapeHtml(text.noData)}</title></rect>`
          : '';
      const dot =
        p.compliance === null
          ? ''
          : `<circle cx="${fixed(x(i))}" cy="${fixed(yPct(p.compliance))}" r="2.5" fill="${STATE_COLORS.on_track}"/>`;
      const tick =
        // Counted back from the last day, so today is always labelled and no two labels collide.
        (points.length - 1 - i) % tickEvery === 0
          ? `<text x="${fixed(x(i))}" y="${M.top + PH + 16}" text-anchor="middle" font-size="11" fill="#4b5563">${escapeHtml(p.tick)}</text>`
          : '';
      // A full-height transparent rect makes the whole day column hoverable for its tooltip.
      const hit = `<rect x="${fixed(x(i) - slot / 2)}" y="${M.top}" width="${fixed(slot)}" height="${PH}" fill="transparent"/>`;
      const compliance = p.compliance === null ? 'none' : fixed(p.compliance);
      return `<g class="sv-trend-day" data-day="${escapeHtml(p.day)}" data-compliance="${compliance}"><title>${escapeHtml(p.label)}</title>${noData}${hit}${bar}${dot}${tick}</g>`;
    })
    .join('');

  return (
    `<svg class="sv-trend-chart" id="${escapeHtml(id)}" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-labelledby="${escapeHtml(id)}-title ${escapeHtml(id)}-desc" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${escapeHtml(id)}-title">${escapeHtml(text.title)}</title>` +
    `<desc id="${escapeHtml(id)}-desc">${escapeHtml(text.description)}</desc>` +
    grid +
    rightAxis +
    axisNames +
    days +
    lines +
    `</svg>`
  );
}
