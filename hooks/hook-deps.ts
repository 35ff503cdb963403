import type { HostEventHandler, HostEventName } from '../src/host/host-context';
import type { TicketEventRecorder } from '../src/engine/ticket-event-recorder';
import type { LeadEventRecorder } from '../src/engine/lead-event-recorder';

/** What every hook handler receives from the activated module. */
export interface HookDeps {
  recorder: TicketEventRecorder;
  /** Absent when the host offers no leads: the lead hooks then do nothing. */
  leads?: LeadEventRecorder;
  /** Enqueue one (deduplicated) scan for this cron tick. */
  requestScan(): Promise<void>;
}

/** Each file in hooks/ default-exports one of these; module.json maps the host event to the file. */
export type HookFactory<E extends HostEventName> = (deps: HookDeps) => HostEventHandler<E>;
