import os from 'node:os';
import { Queue, Worker } from 'bullmq';
import { bullPrefix, openRedis, type RedisClient } from './redis-connection';
import type { Logger } from 'pino';
import { SCAN_QUEUE, upsertScanSchedule, type ScanJobData } from './scan-queue';
import { RedisWatch } from './redis-watch';
import type { Scanner } from './scanner';
import type { Clock } from '../host/host-context';

export interface ScanWorkerOptions {
  /**
   * For hosts without a cron: a scan every N ms through one BullMQ job scheduler, upserted on
   * every (re)connect, so a Redis that restarted empty gets its schedule back.
   */
  everyMs?: number;
  /** Called once per Redis outage (e.g. to record it for `status` and the banner). */
  onRedisDown?(error: string): Promise<void>;
  /**
   * The outbox's senders. Given, each scan ends by queueing a delivery job, which a worker of
   * its own runs: a slow SMTP server or webhook then never holds up a scan. Without, the scan
   * sends what it wrote before it ends.
   */
  deliveries?: { sendDue(): Promise<unknown> };
  /**
   * Recorded on every job it runs (BullMQ's `processedBy`), to see which machine and process
   * ran what when several share the queue. Default: `<hostname> pid <pid>`.
   */
  name?: string;
}

export const DELIVERY_QUEUE = 'sla-vigil-deliver';

/**
 * How many advance jobs a backlog is cut into: enough that two, four or eight worker processes
 * each get an even part, few enough that each job still advances whole batches.
 */
export const BACKLOG_SHARES = 16;

/** The scan queue's job that advances one share of a backlog (ScanJobData.share). */
const ADVANCE_JOB = 'advance';

/**
 * Runs scan jobs. One job at a time per worker; several workers (processes, machines) may
 * share a queue because the scan claims due clocks with SKIP LOCKED and records events idempotently.
 * A scan that meets a backlog of due clocks queues it as BACKLOG_SHARES advance jobs on the
 * same queue, so every worker process takes part in draining it, each share on its own subjects.
 */
export class ScanWorker {
  private readonly connection: RedisClient;
  private readonly worker: Worker<ScanJobData, unknown>;
  private readonly deliveryQueue: Queue | null;
  private readonly deliveryWorker: Worker | null;
  private readonly scanQueue: Queue<ScanJobData> | null;
  private readonly watch: RedisWatch;
  private lastError: string | null = null;

  constructor(
    redisUrl: string,
    queuePrefix: string,
    scanner: Scanner,
    clock: Clock,
    private readonly logger: Logger,
    options: ScanWorkerOptions = {},
  ) {
    this.connection = openRedis(redisUrl, 'worker');
    // Hash-tagged on a Cluster (bullPrefix), so both queues' keys stay in one slot each.
    const prefix = bullPrefix(redisUrl, queuePrefix);
    const { everyMs } = options;
    const { deliveries } = options;
    // The scheduler and the backlog's advance jobs share the worker's connection: when it is
    // ready, so is the upsert.
    this.scanQueue =
      everyMs || deliveries
        ? new Queue<ScanJobData>(SCAN_QUEUE, { connection: this.connection, prefix })
        : null;
    this.scanQueue?.on('error', () => undefined); // outages are reported by the watch below
    this.watch = new RedisWatch(this.connection, redisUrl, logger, {
      onUp: async () => {
        if (this.scanQueue && everyMs) await upsertScanSchedule(this.scanQueue, everyMs);
      },
      onDown: options.onRedisDown,
      restored: everyMs ? 'scan schedule' : undefined,
    });
    this.deliveryQueue = deliveries
      ? new Queue(DELIVERY_QUEUE, { connection: this.connection, prefix })
      : null;
    this.deliveryQueue?.on('error', () => undefined); // reported by the watch
    // Each delivery job claims whatever is due when it runs; one after each scan or advance job.
    const deliverAfter = () =>
      this.deliveryQueue?.add('deliver', {}, { removeOnComplete: 100, removeOnFail: 100 });
    this.worker = new Worker<ScanJobData, unknown>(
      SCAN_QUEUE,
      async (job) => {
        if (!deliveries) return scanner.run(clock.now());
        const { share } = job.data;
        if (job.name === ADVANCE_JOB && share) {
          const advanced = await scanner.advanceShare(clock.now(), share);
          await deliverAfter();
          return advanced;
        }
        const result = await scanner.run(clock.now(), {
          deliver: false,
          shareBacklog: () => this.shareBacklog(String(job.id), job.data.requestedAt),
        });
        await deliverAfter();
        return result;
      },
      {
        connection: this.connection,
        prefix,
        concurrency: 1,
        name: options.name ?? `${os.hostname()} pid ${process.pid}`,
      },
    );
    this.worker.on('failed', (job, err) =>
      logger.error({ err, jobId: job?.id }, 'sla_vigil scan job failed'),
    );
    this.worker.on('error', (err) => this.workerError(err));
    this.deliveryWorker = deliveries
      ? new Worker(DELIVERY_QUEUE, () => deliveries.sendDue(), {
          connection: this.connection,
          prefix,
          concurrency: 1,
        })
      : null;
    this.deliveryWorker?.on('failed', (job, err) =>
      logger.error({ err, jobId: job?.id }, 'sla_vigil delivery job failed'),
    );
    this.deliveryWorker?.on('error', (err) => this.workerError(err));
  }

  /**
   * Queues a backlog as advance jobs, one per share of the subjects; their ids follow the scan
   * job's (BullMQ takes no `:` in an id: a scheduler's job ids have some), so a scan that runs
   * again (a retry) queues no second set.
   */
  private async shareBacklog(scanJobId: string, requestedAt: string): Promise<number> {
    const shares = Array.from({ length: BACKLOG_SHARES }, (_, index) => ({
      name: ADVANCE_JOB,
      data: { requestedAt, share: { index, of: BACKLOG_SHARES } },
      opts: {
        jobId: `${scanJobId.replace(/:/g, '_')}-advance-${index}-of-${BACKLOG_SHARES}`,
        removeOnComplete: 1000,
        removeOnFail: 1000,
      },
    }));
    await this.scanQueue?.addBulk(shares);
    return BACKLOG_SHARES;
  }

  /**
   * BullMQ reports every failed reconnect attempt here (with a stack, twice a second when
   * unhandled); the watch already said Redis is away. Anything else is logged once per message.
   */
  private workerError(err: Error): void {
    if (this.watch.state !== 'up' || isConnectionError(err)) return;
    if (err.message === this.lastError) return;
    if (/Missing key for job/.test(err.message)) {
      // The job that ran while Redis went away empty: its scan work is in the database; the
      // next scan covers whatever it had left.
      this.logger.info({ err: err.message }, 'sla_vigil: a scan job was lost with the Redis data');
      return;
    }
    this.lastError = err.message;
    this.logger.warn({ err: err.message }, 'sla_vigil scan worker error');
  }

  /** Resolves once the worker is connected and taking jobs. */
  async ready(): Promise<void> {
    await this.worker.waitUntilReady();
  }

  async close(): Promise<void> {
    this.watch.stop();
    await this.worker.close();
    await this.deliveryWorker?.close();
    if (this.connection.status === 'ready') {
      await this.scanQueue?.close();
      await this.deliveryQueue?.close();
    }
    this.connection.disconnect();
  }
}

function isConnectionError(err: Error & { code?: string }): boolean {
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(
      err.code ?? '',
    ) || /connection|closed|ECONN|socket/i.test(err.message)
  );
}
