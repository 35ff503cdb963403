/**
 * One worker process of bench/workers.ts: the module's services and its ScanWorker over the
 * benchmark database, as `sla-vigil worker` builds them, with two differences the benchmark
 * needs: the clock is fixed at BENCH_NOW (the moment the backlog is due), and delivery jobs send
 * nothing (mail has a benchmark of its own; here it would only add SMTP timeouts to both sides).
 *
 * Environment: BENCH_DATABASE_URL, REDIS_URL, BENCH_QUEUE_PREFIX, BENCH_NOW (ISO), BENCH_WORKER_NAME.
 * Prints "ready" once its worker is connected; closes on SIGTERM after the job at hand.
 */
import pino from 'pino';
import { createDb } from '../src/store/db';
import { ScanWorker } from '../src/scan/scan-worker';
import { benchServices } from './bench-host';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

async function main(): Promise<void> {
  const now = new Date(required('BENCH_NOW'));
  const db = createDb(required('BENCH_DATABASE_URL'));
  const { services } = await benchServices(db, now);
  const logger = pino({ level: 'warn' });
  const worker = new ScanWorker(
    required('REDIS_URL'),
    required('BENCH_QUEUE_PREFIX'),
    services.scanner,
    { now: () => now },
    logger,
    {
      deliveries: { sendDue: async () => ({}) },
      name: process.env.BENCH_WORKER_NAME,
    },
  );
  await worker.ready();
  console.log('ready');
  await new Promise<void>((resolve) => process.once('SIGTERM', resolve));
  await worker.close();
  await db.destroy();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
