import path from 'node:path';
import fs from 'node:fs';

// `npm test` builds before jest runs: outside checks load the CommonJS build, not the sources.
const entry = path.resolve(__dirname, '../../dist/index.js');

describe('dist/index.js', () => {
  it('exists (npm test builds it first)', () => {
    expect(fs.existsSync(entry)).toBe(true);
  });

  it('loads as CommonJS and exposes the business-time API and the lifecycle', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const api = require(entry) as {
      addBusinessMinutes: (c: unknown, s: Date, m: number) => Date;
      businessMinutesBetween: (c: unknown, a: Date, b: Date) => number;
      activate: unknown;
      deactivate: unknown;
      uninstall: unknown;
    };
    const calendar = {
      timezone: 'Europe/Berlin',
      week: {
        mon: [
          ['09:00', '12:00'],
          ['13:00', '17:00'],
        ],
        tue: [['09:00', '17:00']],
      },
      holidays: ['2026-12-25'],
    };
    // Mon 30 Nov 2026 08:00 Berlin: opens 09:00; 240 min -> 14:00 Berlin (13:00Z).
    const start = new Date('2026-11-30T07:00:00Z');
    expect(api.addBusinessMinutes(calendar, start, 240).toISOString()).toBe('2026-11-30T13:00:00.000Z');
    expect(api.businessMinutesBetween(calendar, start, new Date('2026-11-30T16:00:00Z'))).toBe(420);
    expect(typeof api.activate).toBe('function');
    expect(typeof api.deactivate).toBe('function');
    expect(typeof api.uninstall).toBe('function');
  });
});
