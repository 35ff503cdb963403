import type { Logger } from 'pino';
import type { Clock } from '../host/host-context';
import { hostInstruction, type HostInstruction } from './host-action-instruction';
import type { HostActionOutcomes, HostActionResult } from './host-action-outcomes';

/** One result a host reports, for the instruction with this escalation id. */
export type ReportedResult = HostActionResult & { id: number };

/**
 * Hands escalation host actions to a host that applies them itself (Perfex's module, on its own
 * cron) and takes back its results. The service never calls into the host: a PHP server with one
 * worker would deadlock if it did during a hook, so the host pulls. A claim holds for the
 * repository's lease: an action claimed and never reported is offered again after it.
 *
 * One lane per subject kind (tickets, leads), each with its own escalation log: a claim takes
 * from the lanes in turn, a report goes to the lane that holds the claimed id.
 */
export class HostActionDesk {
  constructor(
    private readonly lanes: readonly HostActionOutcomes[],
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /**
   * Claims up to `limit` pending actions; two claims never get the same one within its lease. The
   * lanes take turns, so many pending ticket actions never hold a lead's back for a cron run.
   */
  async claim(limit: number): Promise<HostInstruction[]> {
    const now = this.clock.now();
    const instructions: HostInstruction[] = [];
    let open = [...this.lanes];
    while (open.length > 0 && instructions.length < limit) {
      const drained = new Set<HostActionOutcomes>();
      for (const lane of open) {
        if (instructions.length >= limit) break;
        const action = await lane.escalations.claimAction(now);
        if (!action) {
          drained.add(lane);
          continue;
        }
        const made = hostInstruction(action);
        if (made.ok) {
          instructions.push(made.instruction);
          continue;
        }
        // Nothing a host could do: failed here, never offered.
        this.logFailure(action.subjectType, action.subjectId, made.error);
        await lane.record(action, { ok: false, error: made.error });
      }
      open = open.filter((lane) => !drained.has(lane));
    }
    return instructions;
  }

  /**
   * Records what the host did. An id that is unknown, not claimed or already reported is ignored
   * and counted, never written over.
   */
  async report(results: readonly ReportedResult[]): Promise<{ recorded: number; ignored: number }> {
    let recorded = 0;
    for (const result of results) {
      for (const lane of this.lanes) {
        const action = await lane.escalations.runningAction(result.id);
        if (!action) continue;
        if (await lane.record(action, result)) {
          recorded++;
          if (!result.ok) this.logFailure(action.subjectType, action.subjectId, result.error);
        }
        break;
      }
    }
    return { recorded, ignored: results.length - recorded };
  }

  private logFailure(kind: string, subjectId: number, error: string): void {
    this.logger.error(
      { [`${kind}Id`]: subjectId },
      `sla_vigil: escalation action failed for ${kind} ${subjectId}: ${error}`,
    );
  }
}
