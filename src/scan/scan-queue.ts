import { Queue } from 'bullmq';
import IORedis from 'ioredis';

export const SCAN_QUEUE = 'sla-vigil-scan';

export interface ScanJobData {
  requestedAt: string;
}

/**
 * One scan job per cron minute: the job id is the minute, so many ticks (or many hosts sharing
 * a Redis) never double a scan. The connection is opened on first use and closed on deactivate.
 */
export class ScanQueue {
  private queue: Queue<ScanJobData> | null = null;
  private connection: IORedis | null = null;

  constructor(
    private readonly redisUrl: string,
    private readonly prefix: string,
  ) {}

  async request(now: Date): Promise<string> {
    const minute = now.toISOString().slice(0, 16);
    const jobId = `scan-${minute.replace(/[:]/g, '')}`;
    await this.open().add(
      'scan',
      { requestedAt: now.toISOString() },
      { jobId, removeOnComplete: 1000, removeOnFail: 1000 },
    );
    return jobId;
  }

  /**
   * For hosts without a cron: one BullMQ job scheduler (upserted by id, so starting workers
   * again never registers a second schedule).
   */
  async schedule(everyMs: number): Promise<void> {
    await this.open().upsertJobScheduler(
      'sla-vigil-scan-every',
      { every: everyMs },
      {
        name: 'scan',
        data: { requestedAt: 'scheduler' },
        opts: { removeOnComplete: 1000, removeOnFail: 1000 },
      },
    );
  }

  private open(): Queue<ScanJobData> {
    if (!this.queue) {
      this.connection = new IORedis(this.redisUrl, { maxRetriesPerRequest: null });
      this.queue = new Queue<ScanJobData>(SCAN_QUEUE, { connection: this.connection, prefix: this.prefix });
    }
    return this.queue;
  }

  async close(): Promise<void> {
    await this.queue?.close();
    this.connection?.disconnect();
    this.queue = null;
    this.connection = null;
  }
}
