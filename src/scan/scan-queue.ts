import { Queue } from 'bullmq';
import { bullPrefix, openRedis, type RedisClient } from './redis-connection';

export const SCAN_QUEUE = 'sla-vigil-scan';

const ENQUEUE_TIMEOUT_MS = 3000;

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface ScanJobData {
  requestedAt: string;
  /** Set on an `advance` job: the share of a backlog's subjects it advances (ScanWorker). */
  share?: { index: number; of: number };
}

const SCHEDULER_ID = 'sla-vigil-scan-every';

/** Creates or updates the one scan schedule: idempotent, safe on every start and reconnect. */
export async function upsertScanSchedule(queue: Queue<ScanJobData>, everyMs: number): Promise<void> {
  await queue.upsertJobScheduler(
    SCHEDULER_ID,
    { every: everyMs },
    {
      name: 'scan',
      data: { requestedAt: 'scheduler' },
      opts: { removeOnComplete: 1000, removeOnFail: 1000 },
    },
  );
}

/**
 * One scan job per cron minute: the job id is the minute, so many ticks (or many hosts sharing
 * a Redis) never double a scan. The connection is opened on first use and closed on deactivate.
 */
export class ScanQueue {
  private queue: Queue<ScanJobData> | null = null;
  private connection: RedisClient | null = null;

  constructor(
    private readonly redisUrl: string,
    private readonly prefix: string,
  ) {}

  /**
   * `delayMs` runs the scan that much later, as the scan of the minute it then falls in (a cron
   * tick in that minute joins it): for changes the host makes after announcing them.
   */
  async request(now: Date, delayMs = 0): Promise<string> {
    const minute = new Date(now.getTime() + delayMs).toISOString().slice(0, 16);
    const jobId = `scan-${minute.replace(/[:]/g, '')}`;
    const added = this.open().add(
      'scan',
      { requestedAt: now.toISOString() },
      { jobId, removeOnComplete: 1000, removeOnFail: 1000, ...(delayMs > 0 ? { delay: delayMs } : {}) },
    );
    try {
      await withTimeout(
        added,
        ENQUEUE_TIMEOUT_MS,
        `Redis did not take the scan job within ${ENQUEUE_TIMEOUT_MS} ms`,
      );
    } catch (err) {
      // Drop the connection: the next tick opens a fresh one (BullMQ would wait forever for this one).
      added.catch(() => undefined);
      this.drop();
      throw err;
    }
    return jobId;
  }

  /**
   * For hosts without a cron: one BullMQ job scheduler (upserted by id, so starting workers
   * again never registers a second schedule). `sla-vigil worker --every` keeps it alive
   * through Redis restarts (ScanWorker); this is the one-off form.
   */
  async schedule(everyMs: number): Promise<void> {
    await upsertScanSchedule(this.open(), everyMs);
  }

  private open(): Queue<ScanJobData> {
    if (!this.queue) {
      // A producer fails fast while Redis is away (the host's cron must not hang on it); the
      // next tick after Redis returns enqueues the scan, which picks up whatever became due.
      this.connection = openRedis(this.redisUrl, 'producer');
      this.connection.on('error', () => undefined); // reported through the failing request
      this.queue = new Queue<ScanJobData>(SCAN_QUEUE, {
        connection: this.connection,
        prefix: bullPrefix(this.redisUrl, this.prefix),
      });
      this.queue.on('error', () => undefined); // BullMQ repeats the connection's errors here
    }
    return this.queue;
  }

  async close(): Promise<void> {
    const queue = this.queue;
    if (queue && this.connection?.status === 'ready') await queue.close();
    this.drop();
  }

  private drop(): void {
    this.connection?.disconnect();
    this.queue?.removeAllListeners();
    // A connection dropped while it was still connecting (through sentinels) may report once more.
    this.queue?.on('error', () => undefined);
    this.queue = null;
    this.connection = null;
  }
}
