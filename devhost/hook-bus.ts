import type { Logger } from 'pino';
import type {
  HookRegistry,
  HostEventHandler,
  HostEventName,
  HostEvents,
  Unregister,
} from '../src/host/host-context';

/**
 * Perfex's `hooks()->do_action()`: handlers run in registration order, each awaited, and one
 * failing handler never stops the others or the host action that fired it.
 */
export class HookBus implements HookRegistry {
  private readonly handlers = new Map<HostEventName, Set<HostEventHandler<HostEventName>>>();
  /** Every fired event, newest last: tests assert on what the host fired. */
  readonly fired: { event: HostEventName; payload: unknown }[] = [];

  constructor(private readonly logger: Logger) {}

  on<E extends HostEventName>(event: E, handler: HostEventHandler<E>): Unregister {
    const set = this.handlers.get(event) ?? new Set();
    set.add(handler as HostEventHandler<HostEventName>);
    this.handlers.set(event, set);
    return () => set.delete(handler as HostEventHandler<HostEventName>);
  }

  async fire<E extends HostEventName>(event: E, payload: HostEvents[E]): Promise<void> {
    this.fired.push({ event, payload });
    if (this.fired.length > 1000) this.fired.shift();
    for (const handler of [...(this.handlers.get(event) ?? [])]) {
      try {
        await (handler as HostEventHandler<E>)(payload);
      } catch (err) {
        this.logger.error({ err, event }, `hook handler for ${event} failed`);
      }
    }
  }

  count(event: HostEventName): number {
    return this.handlers.get(event)?.size ?? 0;
  }
}
