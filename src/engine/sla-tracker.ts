import type { Clock as HostClock, HostTicket } from '../host/host-context';
import type {
  SubjectRepository,
  SubjectRow,
  SubjectSnapshot,
  SnapshotField,
} from '../store/subject-repository';
import type { ClockService } from './clock-service';
import { snapshotOf } from '../scan/reconciler';

/**
 * Keeps a ticket's snapshot and clocks current right after a hook: only the fields the hook
 * reported are written to the snapshot, so anything else the host changed silently (a bulk
 * action) still shows up as a difference for the reconcile scan.
 */
export class SlaTracker {
  constructor(
    private readonly subjects: SubjectRepository,
    private readonly clocks: ClockService,
    private readonly clock: HostClock,
  ) {}

  async created(ticket: HostTicket): Promise<void> {
    const now = this.clock.now();
    await this.subjects.upsert([snapshotOf(ticket)], now);
    await this.clocks.recompute([ticket.id], now);
  }

  /** What the module last saw of this ticket (undefined before its first hook or scan). */
  async seen(ticketId: number): Promise<SubjectRow | undefined> {
    return (await this.subjects.getMany([ticketId])).get(ticketId);
  }

  async changed(
    ticketId: number,
    fields: Partial<Pick<SubjectSnapshot, SnapshotField | 'deleted'>>,
  ): Promise<void> {
    const now = this.clock.now();
    // Always: the patch also marks the subject dirty until the recompute below has run.
    await this.subjects.patch(ticketId, fields, now);
    await this.clocks.recompute([ticketId], now);
  }
}
