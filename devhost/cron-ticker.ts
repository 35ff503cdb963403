import type { HookBus } from './hook-bus';

/** Perfex's cron: fires `after_cron_run` every interval (the host's cron job runs every minute). */
export class CronTicker {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly hooks: HookBus,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.timer || this.intervalMs <= 0) return;
    const tick = (): void => {
      void this.hooks.fire('after_cron_run', false).finally(() => {
        if (this.timer) this.timer = setTimeout(tick, this.intervalMs);
      });
    };
    this.timer = setTimeout(tick, this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
