import type { ScanQueue } from './scan-queue';
import type { HeartbeatRepository } from '../store/heartbeat-repository';
import { errorText } from './scan-health';

/**
 * A host cron tick: recorded, then one (deduplicated) scan enqueued. When Redis cannot take
 * the job, that is recorded too, so `status` and the banner say "Redis unreachable" instead of
 * a healthy-looking tick; the error goes on to the hook's guard, which logs it.
 */
export async function requestScanOnTick(
  queue: ScanQueue,
  heartbeats: HeartbeatRepository,
  now: Date,
): Promise<void> {
  await heartbeats.beat('cron_tick', now);
  try {
    await queue.request(now);
  } catch (err) {
    await heartbeats.beat('redis_unreachable', now, { error: errorText(err) });
    throw err;
  }
}
