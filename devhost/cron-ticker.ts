import type { Clock, HostCron, HostCronSchedule } from '../src/host/host-context';
import type { HookBus } from './hook-bus';

/**
 * Perfex's cron: fires `after_cron_run` every interval (the host's cron job runs every minute).
 * It also tells the module when it started and when its first tick is due, so the module's
 * pages can say "first scan in N s" instead of "the scan is not running" in the demo's first
 * minute.
 */
export class CronTicker implements HostCron {
  private timer: NodeJS.Timeout | null = null;
  private started: HostCronSchedule | null = null;

  constructor(
    private readonly hooks: HookBus,
    private readonly intervalMs: number,
    private readonly clock: Clock = { now: () => new Date() },
  ) {}

  start(): void {
    if (this.timer || this.intervalMs <= 0) return;
    const tick = (): void => {
      void this.hooks.fire('after_cron_run', false).finally(() => {
        if (this.timer) this.timer = setTimeout(tick, this.intervalMs);
      });
    };
    const startedAt = this.clock.now();
    this.started = {
      startedAt,
      firstTickAt: new Date(startedAt.getTime() + this.intervalMs),
      intervalMs: this.intervalMs,
    };
    this.timer = setTimeout(tick, this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.started = null;
  }

  schedule(): HostCronSchedule | null {
    return this.started;
  }
}
