import type { Logger } from 'pino';
import type { ScanQueue } from './scan-queue';
import type { HeartbeatRepository } from '../store/heartbeat-repository';
import { errorText } from './scan-health';
import { redisLabel } from './redis-watch';

/**
 * The host's cron ticks: each is recorded, then one (deduplicated) scan is enqueued. When Redis
 * cannot take the job, that is recorded too, so `status` and the banner say "Redis unreachable"
 * instead of a healthy-looking tick; the log gets one line when the outage starts and one when
 * it ends, not an error with a stack every minute.
 */
export class CronTickRequester {
  private redisDown = false;

  constructor(
    private readonly queue: ScanQueue,
    private readonly heartbeats: HeartbeatRepository,
    private readonly logger: Logger,
    private readonly redisUrl: string,
  ) {}

  async tick(now: Date): Promise<void> {
    await this.heartbeats.beat('cron_tick', now);
    try {
      await this.queue.request(now);
    } catch (err) {
      const error = errorText(err);
      await this.heartbeats.beat('redis_unreachable', now, { error });
      if (!this.redisDown)
        this.logger.warn(
          { err: error },
          `sla_vigil: Redis unreachable at ${redisLabel(this.redisUrl)}; cron ticks cannot queue scans until it is back`,
        );
      this.redisDown = true;
      return;
    }
    if (this.redisDown)
      this.logger.warn(`sla_vigil: Redis back at ${redisLabel(this.redisUrl)}; cron ticks queue scans again`);
    this.redisDown = false;
  }
}
