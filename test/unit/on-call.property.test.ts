import fc from 'fast-check';
import { DateTime } from 'luxon';
import { businessMinutesBetween, type CalendarInput } from '../../src/sla/calendar';
import type { RotationConfig } from '../../src/sla/config';
import { isWorking, nextHandovers, nextWorkingMoment, onDutyAt } from '../../src/sla/on-call';

const SEED = 13;
const ZONES = ['Europe/Berlin', 'America/New_York'] as const;

// Instants around the 2026 DST changes of both zones, so random moments often straddle one.
const HOT_SPOTS = [
  '2026-03-08T07:00:00Z',
  '2026-03-29T01:00:00Z',
  '2026-10-25T01:00:00Z',
  '2026-11-01T06:00:00Z',
].map((t) => Date.parse(t));
const instant = fc
  .tuple(fc.constantFrom(...HOT_SPOTS), fc.integer({ min: -15 * 86_400, max: 15 * 86_400 }))
  .map(([base, seconds]) => new Date(base + seconds * 1000));

// Handovers outside 02:00-03:59, the hours a DST change can skip or repeat in these zones.
const handover = fc
  .tuple(fc.integer({ min: 4, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);

const weekly = fc.record({
  type: fc.constant('weekly' as const),
  startsAt: fc.constantFrom('2026-02-23', '2026-03-02', '2026-10-05', '2026-10-12'),
  handover,
  timezone: fc.constantFrom(...ZONES),
  staffIds: fc.uniqueArray(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 5 }),
});

describe('weekly rotation (property)', () => {
  test('a handover is at the handover wall time, hands to the next person, and nobody changes in between', () => {
    fc.assert(
      fc.property(weekly, instant, (rotation: RotationConfig & { type: 'weekly' }, now) => {
        const before = onDutyAt(rotation, now);
        const [next] = nextHandovers(rotation, now, 1);
        expect(next.at.getTime()).toBeGreaterThan(now.getTime());
        expect(DateTime.fromJSDate(next.at, { zone: rotation.timezone }).toFormat('HH:mm')).toBe(
          rotation.handover,
        );
        expect(onDutyAt(rotation, next.at)).toBe(next.staffId);
        expect(onDutyAt(rotation, new Date(next.at.getTime() - 1))).toBe(before);
        // Shifts are a week of wall-clock time: 7 x 24 h, give or take the DST hour.
        const [, after] = nextHandovers(rotation, now, 2);
        expect(Math.abs(after.at.getTime() - next.at.getTime() - 7 * 86_400_000)).toBeLessThanOrEqual(
          3_600_000,
        );
        if (before !== null) {
          const i = rotation.staffIds.indexOf(before);
          expect(next.staffId).toBe(rotation.staffIds[(i + 1) % rotation.staffIds.length]);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('date ranges (property)', () => {
  const range = fc
    .tuple(instant, fc.integer({ min: 1, max: 10 * 86_400 }), fc.integer({ min: 1, max: 9 }))
    .map(([from, seconds, staffId]) => ({
      from: from.toISOString(),
      to: new Date(from.getTime() + seconds * 1000).toISOString(),
      staffId,
    }));
  test('the first range holding now, else nobody', () => {
    fc.assert(
      fc.property(fc.array(range, { maxLength: 6 }), instant, (ranges, now) => {
        const t = now.getTime();
        const expected = ranges.find((r) => Date.parse(r.from) <= t && t < Date.parse(r.to))?.staffId ?? null;
        expect(onDutyAt({ type: 'ranges', ranges }, now)).toBe(expected);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('nextWorkingMoment (property)', () => {
  const day = fc.constantFrom<[string, string][]>(
    [['09:00', '17:00']],
    [
      ['08:30', '12:00'],
      ['13:00', '18:00'],
    ],
    [['22:00', '06:00']],
    [],
  );
  const calendar = fc
    .record({
      timezone: fc.constantFrom(...ZONES),
      mon: day,
      tue: day,
      wed: day,
      thu: day,
      fri: day,
      sat: day,
    })
    .filter((c) => [c.mon, c.tue, c.wed, c.thu, c.fri, c.sat].some((d) => d.length > 0))
    .map(({ timezone, ...week }): CalendarInput => ({ timezone, week }));

  test('now when working, else the first opening after now with no working time in between', () => {
    fc.assert(
      fc.property(
        calendar,
        fc.option(fc.constantFrom(...ZONES), { nil: undefined }),
        instant,
        (cal, zone, now) => {
          const at = nextWorkingMoment(cal, zone, now);
          const inZone = { ...cal, timezone: zone ?? cal.timezone };
          expect(at.getTime()).toBeGreaterThanOrEqual(now.getTime());
          expect(businessMinutesBetween(inZone, now, at)).toBe(0);
          expect(isWorking(cal, zone, at)).toBe(true);
          // Open right after: a minute later some working time has passed.
          expect(businessMinutesBetween(inZone, at, new Date(at.getTime() + 60_000))).toBeGreaterThan(0);
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});
