import type { Logger } from 'pino';
import type { HookRegistry, Unregister } from '../src/host/host-context';
import type { DevhostEventHandler, DevhostEventName, DevhostEvents } from './lead-events';

/**
 * Perfex's `hooks()->do_action()`: handlers run in registration order, each awaited, and one
 * failing handler never stops the others or the host action that fired it. It carries the
 * contract's hooks and the lead hooks (./lead-events.ts).
 */
export class HookBus implements HookRegistry {
  private readonly handlers = new Map<DevhostEventName, Set<DevhostEventHandler<DevhostEventName>>>();
  /** Every fired event, newest last: tests assert on what the host fired. */
  readonly fired: { event: DevhostEventName; payload: unknown }[] = [];

  constructor(private readonly logger: Logger) {}

  on<E extends DevhostEventName>(event: E, handler: DevhostEventHandler<E>): Unregister {
    const set = this.handlers.get(event) ?? new Set();
    set.add(handler as DevhostEventHandler<DevhostEventName>);
    this.handlers.set(event, set);
    return () => set.delete(handler as DevhostEventHandler<DevhostEventName>);
  }

  async fire<E extends DevhostEventName>(event: E, payload: DevhostEvents[E]): Promise<void> {
    this.fired.push({ event, payload });
    if (this.fired.length > 1000) this.fired.shift();
    for (const handler of [...(this.handlers.get(event) ?? [])]) {
      try {
        await (handler as DevhostEventHandler<E>)(payload);
      } catch (err) {
        this.logger.error({ err, event }, `hook handler for ${event} failed`);
      }
    }
  }

  count(event: DevhostEventName): number {
    return this.handlers.get(event)?.size ?? 0;
  }
}
