import { errorText, judgeScanHealth, scanHealthLine } from '../../src/scan/scan-health';
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

  it('keeps credentials out of recorded errors', () => {
    expect(errorText(new Error('connect to mysql://perfex:s3cret@db:3306/perfex\nfailed'))).toBe(
      'connect to mysql://***@db:3306/perfex failed',
    );
    expect(errorText('x'.repeat(500))).toHaveLength(300);
  });
});
