import { renderTrendChart, type TrendChartPoint } from '../../src/web/svg-trend-chart';
import { STATE_COLORS } from '../../src/web/state-badge';

const text = {
  title: 'On-time % & breaches',
  description: 'Days in <Europe/Berlin>',
  axes: { left: 'On time %', right: 'Breaches', bottom: 'Day (Europe/Berlin)' },
  noData: 'no data',
};

function days(n: number, fill: (i: number) => Partial<TrendChartPoint> = () => ({})): TrendChartPoint[] {
  return Array.from({ length: n }, (_, i) => ({
    day: `2026-03-${String(i + 1).padStart(2, '0')}`,
    compliance: 50,
    breaches: 0,
    tick: `${i + 1} Mar`,
    label: `Day ${i + 1}`,
    ...fill(i),
  }));
}

describe('renderTrendChart', () => {
  it('is one accessible image: role img, a title and a description, escaped', () => {
    const svg = renderTrendChart(days(3), text);
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-labelledby="sv-trend-title sv-trend-desc"/);
    expect(svg).toContain('<title id="sv-trend-title">On-time % &amp; breaches</title>');
    expect(svg).toContain('<desc id="sv-trend-desc">Days in &lt;Europe/Berlin&gt;</desc>');
    expect(svg.endsWith('</svg>')).toBe(true);
  });

  it('has one column per day, each with its own tooltip', () => {
    for (const n of [30, 90]) {
      const svg = renderTrendChart(days(n), text);
      expect(svg.match(/<g class="sv-trend-day" data-day="/g)).toHaveLength(n);
      expect(svg.match(/<title>Day \d+<\/title>/g)).toHaveLength(n);
    }
  });

  it('draws compliance as a green line that breaks on days with nothing finished', () => {
    const svg = renderTrendChart(
      days(6, (i) => ({ compliance: i === 2 ? null : 100 })),
      text,
    );
    const lines = svg.match(/<polyline points="([^"]+)"/g) ?? [];
    expect(lines).toHaveLength(2);
    expect(svg).toContain(`stroke="${STATE_COLORS.on_track}"`);
    // 5 dots: one per day that has a value.
    expect(svg.match(/<circle /g)).toHaveLength(5);
  });

  it('never plots a day with nothing finished at 0 %: it is marked "no data" instead', () => {
    const svg = renderTrendChart(
      days(3, (i) => ({ compliance: i === 1 ? null : 100 })),
      text,
    );
    const empty = /<g class="sv-trend-day" data-day="2026-03-02" data-compliance="none">[\s\S]*?<\/g>/.exec(
      svg,
    )?.[0];
    expect(empty).toContain('<rect class="sv-no-data"');
    expect(empty).toContain('<title>no data</title>');
    expect(empty).not.toContain('<circle');
    // No point of the line sits on the 0 % gridline (y 212).
    const ys = [...svg.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(ys).toEqual([12, 12]);
    expect(svg).not.toMatch(/<polyline points="[^"]*,212[ "]/);
  });

  it('names both axes (and the days below), escaped', () => {
    const svg = renderTrendChart(days(3), { ...text, axes: { ...text.axes, bottom: 'Day <UTC>' } });
    const names = [...svg.matchAll(/<text class="sv-axis-name"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(names).toEqual(['On time %', 'Breaches', 'Day &lt;UTC&gt;']);
  });

  it('scales breach bars (red) to the busiest day and labels that maximum', () => {
    const svg = renderTrendChart(
      days(4, (i) => ({ breaches: i })),
      text,
    );
    const bars = [...svg.matchAll(/<rect [^>]*height="([\d.]+)" fill="#b91c1c"/g)].map((m) => Number(m[1]));
    expect(bars).toHaveLength(3);
    expect(bars[2]).toBeCloseTo(bars[0] * 3, 0);
    expect(svg).toContain(`fill="${STATE_COLORS.breached}">3</text>`);
  });

  it('plots 0 % at the bottom and 100 % at the top of the plot area', () => {
    const svg = renderTrendChart(
      days(2, (i) => ({ compliance: i === 0 ? 0 : 100 })),
      text,
    );
    const ys = [...svg.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(ys[0]).toBeGreaterThan(ys[1]);
    expect(ys).toEqual([212, 12]);
  });

  it('escapes day labels and ticks, and is pure', () => {
    const points = days(1, () => ({ label: '<b>x</b>', tick: '"t"' }));
    const svg = renderTrendChart(points, text);
    expect(svg).toContain('<title>&lt;b&gt;x&lt;/b&gt;</title>');
    expect(svg).toContain('&quot;t&quot;');
    expect(renderTrendChart(points, text)).toBe(svg);
  });
});
