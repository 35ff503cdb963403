import {
  FORECAST_WINDOWS,
  sumBy,
  topWithRest,
  windowEnd,
  type WindowCounts,
} from '../../src/sla/forecast/breach-forecast';

const c = (h1: number, h4: number, h24: number): WindowCounts => ({ '1h': h1, '4h': h4, '24h': h24 });
const NOW = new Date('2026-03-29T00:30:00Z');

it('ends each window 1, 4 and 24 wall-clock hours after now (due times are already business time)', () => {
  // The night Berlin springs forward: the windows are instants, not local times.
  expect(FORECAST_WINDOWS.map((w) => windowEnd(w, NOW).toISOString())).toEqual([
    '2026-03-29T01:30:00.000Z',
    '2026-03-29T04:30:00.000Z',
    '2026-03-30T00:30:00.000Z',
  ]);
});

it('sums cells per key, most within 1 h first, then 4 h, then 24 h, then by id', () => {
  const cells = [
    { department: 2, agent: 7, ...c(0, 1, 2) },
    { department: 1, agent: 7, ...c(1, 1, 1) },
    { department: 2, agent: 0, ...c(1, 1, 3) },
    { department: 3, agent: 8, ...c(0, 1, 2) },
  ];
  const counts = (x: WindowCounts) => c(x['1h'], x['4h'], x['24h']);
  expect(sumBy(cells, (x) => x.department, counts)).toEqual([
    { id: 2, counts: c(1, 2, 5) },
    { id: 1, counts: c(1, 1, 1) },
    { id: 3, counts: c(0, 1, 2) },
  ]);
  expect(sumBy(cells, (x) => x.agent, counts)).toEqual([
    { id: 7, counts: c(1, 2, 3) },
    { id: 0, counts: c(1, 1, 3) },
    { id: 8, counts: c(0, 1, 2) },
  ]);
  expect(sumBy([], () => 0, counts)).toEqual([]);
});

it('keeps the top N and sums the rest', () => {
  const groups = [1, 2, 3, 4].map((id) => ({ id, counts: c(0, id, id * 2) }));
  expect(topWithRest(groups, 2)).toEqual({
    top: groups.slice(0, 2),
    rest: { groups: 2, counts: c(0, 7, 14) },
  });
  expect(topWithRest(groups, 4).rest).toBeNull();
});
