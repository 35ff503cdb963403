import { Worker } from 'bullmq';
import IORedis from 'ioredis';
import type { Logger } from 'pino';
import { SCAN_QUEUE, type ScanJobData } from './scan-queue';
import type { Scanner, ScanResult } from './scanner';
import type { Clock } from '../host/host-context';

/**
 * Runs scan jobs. One job at a time per worker; several workers (processes, machines) may
 * share a queue because the scan claims due clocks with SKIP LOCKED and records events idempotently.
 */
export class ScanWorker {
  private readonly connection: IORedis;
  private readonly worker: Worker<ScanJobData, ScanResult>;

  constructor(redisUrl: string, prefix: string, scanner: Scanner, clock: Clock, logger: Logger) {
    this.connection = new IORedis(redisUrl, { maxRetriesPerRequest: null });
    this.worker = new Worker<ScanJobData, ScanResult>(SCAN_QUEUE, () => scanner.run(clock.now()), {
      connection: this.connection,
      prefix,
      concurrency: 1,
    });
    this.worker.on('failed', (job, err) =>
      logger.error({ err, jobId: job?.id }, 'sla_vigil scan job failed'),
    );
  }

  async close(): Promise<void> {
    await this.worker.close();
    this.connection.disconnect();
  }
}
