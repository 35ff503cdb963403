import type { HostCronSchedule } from '../host/host-context';
import type { Heartbeats } from '../store/heartbeat-repository';

/**
 * Why the scan is not healthy: no scan ever ran (`never`), the cron ticks but no scan finishes
 * (`no_scan`), the last finished scan is too old (`late`), the latest scan failed
 * (`scans_failing`), or Redis could not be reached since the last finished scan
 * (`redis_unreachable`).
 */
export type ScanHealthCause = 'never' | 'no_scan' | 'late' | 'scans_failing' | 'redis_unreachable';

export interface ScanHealth {
  cause: ScanHealthCause | null;
  lastScanAt: Date | null;
  lastTickAt: Date | null;
  /** When the failure or the outage was last seen (`scans_failing`, `redis_unreachable`). */
  problemAt: Date | null;
  /** The last scan error or the Redis error, without credentials. */
  error: string | null;
  /**
   * Set (with `cause` null) while the host's own cron has just started and its first scan is
   * still to come: when that first tick is due. No alarm then, only "first scan in N s".
   */
  firstTickAt: Date | null;
}

/** How many intervals may pass without a finished scan before the scan counts as late. */
export const LATE_AFTER_INTERVALS = 3;

/**
 * Judges the scan by its last *finished* run, not by the cron: a cron that ticks while every
 * scan fails (or none runs) is unhealthy, and a `worker --every` setup without any host cron is
 * healthy. A failure or a Redis outage newer than the last finished scan is reported at once.
 *
 * `cron` is the host's own cron when the host runs one in its process (the devhost): from its
 * start until one scan interval after its first tick, old heartbeats (or none) are no alarm, as
 * no scan could have run yet; a failure or outage seen since the start still is. Once that
 * window has passed without a finished scan, the usual causes apply again.
 */
export function judgeScanHealth(
  beats: Heartbeats,
  now: Date,
  intervalMs = 60_000,
  cron: HostCronSchedule | null = null,
): ScanHealth {
  const lastScanAt = beats.get('scan_finished')?.at ?? null;
  const lastTickAt = beats.get('cron_tick')?.at ?? null;
  const starting = cron !== null && firstScanPending(cron, lastScanAt, now, intervalMs);
  const sinceLastScan = (name: 'scan_failed' | 'redis_unreachable') => {
    const beat = beats.get(name);
    if (!beat || (lastScanAt && beat.at <= lastScanAt)) return null;
    // While starting, what went wrong before this start is not news: the first tick will tell.
    if (starting && beat.at < cron.startedAt) return null;
    return { name, ...beat };
  };
  const problems = [sinceLastScan('scan_failed'), sinceLastScan('redis_unreachable')]
    .filter((p) => p !== null)
    .sort((a, b) => b.at.getTime() - a.at.getTime());
  const base = { lastScanAt, lastTickAt, problemAt: null, error: null, firstTickAt: null };
  const latest = problems[0];
  if (latest) {
    const error = typeof latest.details?.error === 'string' ? latest.details.error : null;
    const cause = latest.name === 'scan_failed' ? 'scans_failing' : 'redis_unreachable';
    return { ...base, cause, problemAt: latest.at, error };
  }
  if (starting) return { ...base, cause: null, firstTickAt: cron.firstTickAt };
  if (!lastScanAt) return { ...base, cause: lastTickAt ? 'no_scan' : 'never' };
  if (now.getTime() - lastScanAt.getTime() > LATE_AFTER_INTERVALS * intervalMs)
    return { ...base, cause: 'late' };
  return { ...base, cause: null };
}

/**
 * True from the cron's start until one scan interval after its first tick (time for that scan
 * to run), unless a scan has finished since the start.
 */
function firstScanPending(
  cron: HostCronSchedule,
  lastScanAt: Date | null,
  now: Date,
  graceMs: number,
): boolean {
  if (lastScanAt && lastScanAt >= cron.startedAt) return false;
  return now.getTime() < cron.firstTickAt.getTime() + graceMs;
}

/** Whole seconds until the first tick (0 once it is due: the first scan is under way). */
export function secondsUntil(at: Date, now: Date): number {
  return Math.max(0, Math.ceil((at.getTime() - now.getTime()) / 1000));
}

/** `status`'s line for the scan's health (English, like the rest of the command line). */
export function scanHealthLine(health: ScanHealth): string {
  const at = (d: Date | null) => d?.toISOString() ?? 'never';
  switch (health.cause) {
    case null:
      return health.firstTickAt
        ? `scans: the host cron just started; its first tick is due at ${at(health.firstTickAt)}`
        : `scans: healthy (last finished ${at(health.lastScanAt)})`;
    case 'never':
      return 'scans: none has run yet; run the host cron or `sla-vigil worker --every 60`';
    case 'no_scan':
      return `scans: the cron ticks (last ${at(health.lastTickAt)}) but no scan has finished; is a worker running?`;
    case 'late':
      return `scans: the last scan finished at ${at(health.lastScanAt)}, more than ${LATE_AFTER_INTERVALS} intervals ago; run the host cron or \`sla-vigil worker --every 60\``;
    case 'scans_failing':
      return `scans failing: ${health.error ?? 'unknown error'} (last failure ${at(health.problemAt)})`;
    case 'redis_unreachable':
      return `Redis unreachable (last noticed ${at(health.problemAt)}): ${health.error ?? 'no connection'}; scans cannot be queued or run`;
  }
}

/** An error's message for a heartbeat: no credentials from URLs, one line, bounded. */
export function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^@\s/]*@/gi, '$1***@')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}
