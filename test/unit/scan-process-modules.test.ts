import { execFileSync } from 'node:child_process';
import path from 'node:path';

// `npm test` builds first: what `sla-vigil worker` / `scan` load at start, from the build.
const DIST = path.resolve(__dirname, '../../dist/src');

/** The npm packages a fresh node has loaded after requiring these build files. */
function packagesLoadedBy(files: string[]): string[] {
  const script = `
    for (const f of ${JSON.stringify(files)}) require(f);
    const names = Object.keys(require.cache)
      .map((k) => (/node_modules\\/((@[^/]+\\/)?[^/]+)/.exec(k) || [])[1])
      .filter(Boolean);
    console.log(JSON.stringify([...new Set(names)]));
  `;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as string[];
}

describe('what a scan process loads (issue 14: its memory at rest)', () => {
  it('the command line and the scan worker leave the web stack, holiday data and undici unloaded', () => {
    const loaded = packagesLoadedBy([path.join(DIST, 'cli.js'), path.join(DIST, 'scan/scan-worker.js')]);
    // Loaded: what scans use.
    expect(loaded).toEqual(expect.arrayContaining(['knex', 'bullmq', 'luxon', 'ejs', 'i18next']));
    // Not loaded: serve's web stack, date-holidays (~18 MB, only to import holidays), undici (webhooks).
    for (const name of ['express', 'helmet', 'express-session', 'date-holidays', 'undici', 'mailparser'])
      expect(loaded).not.toContain(name);
  });

  it('the holiday import still loads date-holidays when it is used', () => {
    const loaded = packagesLoadedBy([path.join(DIST, 'sla/calendar/holidays-import.js')]);
    expect(loaded).not.toContain('date-holidays');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { importHolidays } = require(path.join(DIST, 'sla/calendar/holidays-import.js')) as {
      importHolidays: (r: { country: string; years: [number, number] }) => string[];
    };
    expect(importHolidays({ country: 'DE', years: [2026, 2026] })).toContain('2026-12-25');
  });
});
