import fc from 'fast-check';
import { LatestReplyTimes } from '../../src/scan/latest-reply-times';

describe('LatestReplyTimes', () => {
  it('answers each ticket with its latest reply time, like a Map keeping the latest', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 4e12 })), {
          maxLength: 3000,
        }),
        (replies) => {
          const times = new LatestReplyTimes();
          const expected = new Map<number, number>();
          for (const [ticket, at] of replies) {
            times.add(ticket, new Date(at));
            expected.set(ticket, Math.max(at, expected.get(ticket) ?? -Infinity));
          }
          expect(times.size).toBe(expected.size);
          for (let ticket = 0; ticket <= 61; ticket++) {
            expect(times.has(ticket)).toBe(expected.has(ticket));
            expect(times.get(ticket)?.getTime()).toBe(expected.get(ticket));
          }
        },
      ),
    );
  });

  it('grows past its first arrays and keeps ids up to the largest INT', () => {
    const times = new LatestReplyTimes();
    for (let i = 5000; i > 0; i--) times.add(i * 3, new Date(i));
    times.add(2_147_483_647, new Date(7));
    expect(times.size).toBe(5001);
    expect(times.get(3)).toEqual(new Date(1));
    expect(times.get(15_000)).toEqual(new Date(5000));
    expect(times.get(2_147_483_647)).toEqual(new Date(7));
    expect(times.has(4)).toBe(false);
  });

  it('refuses an add after the first lookup instead of answering from a stale sort', () => {
    const times = new LatestReplyTimes();
    times.add(1, new Date(1));
    expect(times.has(1)).toBe(true);
    expect(() => times.add(2, new Date(2))).toThrow(/after the first lookup/);
  });
});
