import { benchLeadRow, type BenchLeadPipeline } from '../../bench/lead-mix';

const pipeline: BenchLeadPipeline = {
  statuses: { new: 11, contacted: 12, qualified: 13, proposal: 14, waiting: 15, customer: 1 },
  sources: [1, 2],
  countries: [81, 230, 101, 0],
  staff: [5, 6, 7],
};
const span = { from: new Date('2026-03-31T12:00:00Z'), to: new Date('2026-04-01T08:00:00Z') };
const N = 4000;
const rows = Array.from({ length: N }, (_, i) => benchLeadRow(i, N, pipeline, span));
const share = (test: (r: (typeof rows)[number]) => boolean): number => rows.filter(test).length / N;
const open = (r: (typeof rows)[number]): boolean => !r.lost && !r.junk && r.date_converted === null;

describe('benchLeadRow (the benchmark leads)', () => {
  it('dates every lead inside the span, a status change never before the lead or after the span', () => {
    const from = '2026-03-31 12:00:00';
    const to = '2026-04-01 08:00:00';
    for (const r of rows) {
      expect(r.dateadded >= from && r.dateadded < to).toBe(true);
      for (const moved of [r.last_status_change, r.date_converted]) {
        if (moved !== null) expect(moved >= r.dateadded && moved <= to).toBe(true);
      }
    }
    // Evenly spread: the last lead is added in the last minute of the span.
    expect(rows[N - 1].dateadded >= '2026-04-01 07:59:00').toBe(true);
  });

  it('leaves 85 % open: 45 % New, 20 % Contacted, 10 % Qualified (the windowed statuses), 5 % each of the rest', () => {
    const { statuses } = pipeline;
    expect(share(open)).toBe(0.85);
    expect(share((r) => open(r) && r.status === statuses.new)).toBe(0.45);
    expect(share((r) => open(r) && r.status === statuses.contacted)).toBe(0.2);
    expect(share((r) => open(r) && r.status === statuses.qualified)).toBe(0.1);
    expect(share((r) => r.status === statuses.proposal)).toBe(0.05);
    expect(share((r) => r.status === statuses.waiting)).toBe(0.05);
    expect(share((r) => r.lost === 1)).toBe(0.05);
    expect(share((r) => r.junk === 1)).toBe(0.05);
    expect(share((r) => r.date_converted !== null && r.status === statuses.customer)).toBe(0.05);
  });

  it('records a status change exactly for leads that left New', () => {
    for (const r of rows) expect(r.last_status_change === null).toBe(r.status === pipeline.statuses.new);
  });

  it('meets every market, source and owner in every status, and leaves one lead in 7 unassigned', () => {
    for (const status of Object.values(pipeline.statuses)) {
      const of = rows.filter((r) => r.status === status);
      expect(new Set(of.map((r) => r.country))).toEqual(new Set(pipeline.countries));
      expect(new Set(of.map((r) => r.source))).toEqual(new Set(pipeline.sources));
      expect(new Set(of.map((r) => r.assigned))).toEqual(new Set([0, ...pipeline.staff]));
    }
    expect(share((r) => r.assigned === 0)).toBeCloseTo(1 / 7, 3);
    for (const r of rows) expect(r.dateassigned === null).toBe(r.assigned === 0);
  });
});
