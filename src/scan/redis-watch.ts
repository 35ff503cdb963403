import type { Logger } from 'pino';
import type { RedisClient } from './redis-connection';
import { parseRedisUrl, redisTargetLabel } from './redis-target';

export type RedisState = 'starting' | 'up' | 'down';

export interface RedisWatchHandlers {
  /** After every (re)connect, before "Redis back" is logged: e.g. upsert the job scheduler again. */
  onUp?(): Promise<void>;
  /** Once per outage, with the connection error (no credentials). */
  onDown?(error: string): Promise<void>;
  /** What `onUp` restored, for the "Redis back" line (default: nothing named). */
  restored?: string;
}

/** The Redis URL without its password, for log lines (Sentinel and Cluster forms included). */
export function redisLabel(redisUrl: string): string {
  try {
    return redisTargetLabel(parseRedisUrl(redisUrl));
  } catch {
    return 'the configured Redis';
  }
}

/**
 * Follows one ioredis connection through outages as a small state machine (starting, up,
 * down) and logs one line per change, not one per reconnect attempt: ioredis retries every
 * second or two, and BullMQ reports every failed attempt as an error with a stack.
 */
export class RedisWatch {
  private current: RedisState = 'starting';
  private closing = false;

  constructor(
    connection: RedisClient,
    redisUrl: string,
    private readonly logger: Logger,
    private readonly handlers: RedisWatchHandlers = {},
  ) {
    const where = redisLabel(redisUrl);
    connection.on('ready', () => void this.up(where));
    connection.on('error', (err: Error) => this.down(where, err.message));
    connection.on('close', () => this.down(where, 'connection closed'));
  }

  get state(): RedisState {
    return this.current;
  }

  /** Called before the connection is closed on purpose: that close is no outage. */
  stop(): void {
    this.closing = true;
  }

  private async up(where: string): Promise<void> {
    if (this.closing || this.current === 'up') return;
    const was = this.current;
    this.current = 'up';
    try {
      await this.handlers.onUp?.();
    } catch (err) {
      // Usually the connection dropped again while restoring: the next 'ready' tries again.
      this.current = was;
      this.logger.warn(
        { err: (err as Error).message },
        `sla_vigil: Redis at ${where} answered, restoring failed`,
      );
      return;
    }
    if (was === 'down') {
      const restored = this.handlers.restored ? `, ${this.handlers.restored} restored` : '';
      this.logger.warn(`sla_vigil: Redis back at ${where}${restored}`);
    } else {
      this.logger.info(`sla_vigil: connected to Redis at ${where}`);
    }
  }

  private down(where: string, error: string): void {
    if (this.closing || this.current === 'down') return;
    this.current = 'down';
    this.logger.warn({ err: error }, `sla_vigil: Redis unreachable at ${where}, retrying`);
    this.handlers.onDown?.(error).catch(() => undefined);
  }
}
