import { errorText, judgeScanHealth, scanHealthLine, secondsUntil } from '../../src/scan/scan-health';
import type { HeartbeatName, Heartbeats } from '../../src/store/heartbeat-repository';

const NOW = new Date('2026-03-03T12:00:00Z');
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

function beats(entries: [HeartbeatName, number, Record<string, unknown>?][]): Heartbeats {
  return new Map(
    entries.map(([name, minutes, details]) => [name, { at: ago(minutes), details: details ?? null }]),
  );
}

describe('judgeScanHealth judges the last finished scan, not the cron', () => {
  it.each([
    ['nothing ever ran', [], 'never'],
    ['a cron that ticks while no scan ever finishes', [['cron_tick', 0]], 'no_scan'],
    ['a recent scan without any host cron (worker --every)', [['scan_finished', 2]], null],
    [
      'a scan older than three intervals, though the cron ticks',
      [
        ['cron_tick', 0],
        ['scan_finished', 4],
      ],
      'late',
    ],
    [
      'a ticking cron while the scans fail',
      [
        ['cron_tick', 0],
        ['scan_finished', 2],
        ['scan_failed', 1, { error: 'boom' }],
      ],
      'scans_failing',
    ],
    [
      'a failure the next scan got past',
      [
        ['scan_failed', 2, { error: 'boom' }],
        ['scan_finished', 1],
      ],
      null,
    ],
    [
      'a tick that could not reach Redis',
      [
        ['cron_tick', 0],
        ['scan_finished', 1],
        ['redis_unreachable', 0, { error: 'ECONNREFUSED' }],
      ],
      'redis_unreachable',
    ],
    [
      'Redis lost after the last failure: the newest problem wins',
      [
        ['scan_failed', 3, { error: 'boom' }],
        ['redis_unreachable', 1],
      ],
      'redis_unreachable',
    ],
  ] as [string, [HeartbeatName, number, Record<string, unknown>?][], string | null][])(
    '%s',
    (_what, entries, cause) => {
      expect(judgeScanHealth(beats(entries), NOW).cause).toBe(cause);
    },
  );

  it('follows the scan interval and names the error', () => {
    expect(judgeScanHealth(beats([['scan_finished', 4]]), NOW, 5 * 60_000).cause).toBeNull();
    const failing = judgeScanHealth(beats([['scan_failed', 1, { error: 'Table x does not exist' }]]), NOW);
    expect(failing).toMatchObject({ error: 'Table x does not exist', problemAt: ago(1) });
    expect(scanHealthLine(failing)).toBe(
      'scans failing: Table x does not exist (last failure 2026-03-03T11:59:00.000Z)',
    );
    expect(scanHealthLine(judgeScanHealth(beats([['scan_finished', 1]]), NOW))).toMatch(/^scans: healthy/);
  });

  describe("the host's own cron has just started (the devhost's first minute)", () => {
    // Started 20 s ago, ticks every minute: the first tick is 40 s away.
    const cron = {
      startedAt: new Date(NOW.getTime() - 20_000),
      firstTickAt: new Date(NOW.getTime() + 40_000),
      intervalMs: 60_000,
    };
    const at = (ms: number) => new Date(NOW.getTime() + ms);

    it('is no alarm before the first tick, on a fresh install or after a restart', () => {
      for (const entries of [
        [],
        [
          ['cron_tick', 90],
          ['scan_finished', 90],
        ],
      ] as [HeartbeatName, number][][]) {
        const health = judgeScanHealth(beats(entries), NOW, 60_000, cron);
        expect(health).toMatchObject({ cause: null, firstTickAt: cron.firstTickAt });
        expect(secondsUntil(health.firstTickAt!, NOW)).toBe(40);
      }
      // A failure from before this start is old news until the first tick has had its say.
      expect(
        judgeScanHealth(beats([['scan_failed', 30, { error: 'x' }]]), NOW, 60_000, cron).cause,
      ).toBeNull();
    });

    it('still alarms for what went wrong since the start', () => {
      const down = new Map([['redis_unreachable', { at: at(-5_000), details: { error: 'ECONNREFUSED' } }]]);
      expect(judgeScanHealth(down as Heartbeats, NOW, 60_000, cron).cause).toBe('redis_unreachable');
    });

    it('waits one scan interval after the first tick, then alarms as before', () => {
      // The first tick was due 50 s ago: its scan may still be running.
      expect(judgeScanHealth(beats([]), at(90_000), 60_000, cron)).toMatchObject({ cause: null });
      expect(secondsUntil(cron.firstTickAt, at(90_000))).toBe(0);
      // A minute after that, still no scan: the scan really is missing.
      expect(judgeScanHealth(beats([]), at(101_000), 60_000, cron)).toMatchObject({
        cause: 'never',
        firstTickAt: null,
      });
      const restarted = beats([
        ['cron_tick', 90],
        ['scan_finished', 90],
      ]);
      expect(judgeScanHealth(restarted, at(101_000), 60_000, cron).cause).toBe('late');
    });

    it('gives `status` a line that is no alarm', () => {
      expect(scanHealthLine(judgeScanHealth(beats([]), NOW, 60_000, cron))).toBe(
        'scans: the host cron just started; its first tick is due at 2026-03-03T12:00:40.000Z',
      );
    });

    it('ends with the first finished scan', () => {
      const scanned = new Map([['scan_finished', { at: at(-1_000), details: null }]]) as Heartbeats;
      expect(judgeScanHealth(scanned, NOW, 60_000, cron)).toMatchObject({ cause: null, firstTickAt: null });
    });
  });

  it('keeps credentials out of recorded errors', () => {
    expect(errorText(new Error('connect to mysql://perfex:s3cret@db:3306/perfex\nfailed'))).toBe(
      'connect to mysql://***@db:3306/perfex failed',
    );
    expect(errorText('x'.repeat(500))).toHaveLength(300);
  });
});
