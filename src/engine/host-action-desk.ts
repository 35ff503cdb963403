import type { Logger } from 'pino';
import type { Clock } from '../host/host-context';
import type { EscalationRepository } from '../store/escalation-repository';
import { hostInstruction, type HostInstruction } from './host-action-instruction';
import type { HostActionOutcomes, HostActionResult } from './host-action-outcomes';

/** One result a host reports, for the instruction with this escalation id. */
export type ReportedResult = HostActionResult & { id: number };

/**
 * Hands escalation host actions to a host that applies them itself (Perfex's module, on its own
 * cron) and takes back its results. The service never calls into the host: a PHP server with one
 * worker would deadlock if it did during a hook, so the host pulls. A claim holds for the
 * repository's lease: an action claimed and never reported is offered again after it.
 */
export class HostActionDesk {
  constructor(
    private readonly escalations: EscalationRepository,
    private readonly outcomes: HostActionOutcomes,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Claims up to `limit` pending actions; two claims never get the same one within its lease. */
  async claim(limit: number): Promise<HostInstruction[]> {
    const now = this.clock.now();
    const instructions: HostInstruction[] = [];
    while (instructions.length < limit) {
      const action = await this.escalations.claimAction(now);
      if (!action) break;
      const made = hostInstruction(action);
      if (made.ok) {
        instructions.push(made.instruction);
        continue;
      }
      // Nothing a host could do: failed here, never offered.
      this.logger.error(
        { ticketId: action.subjectId },
        `sla_vigil: escalation action failed for ticket ${action.subjectId}: ${made.error}`,
      );
      await this.outcomes.record(action, { ok: false, error: made.error });
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
      const action = await this.escalations.runningAction(result.id);
      if (!action || !(await this.outcomes.record(action, result))) continue;
      recorded++;
      if (!result.ok)
        this.logger.error(
          { ticketId: action.subjectId },
          `sla_vigil: escalation action failed for ticket ${action.subjectId}: ${result.error}`,
        );
    }
    return { recorded, ignored: results.length - recorded };
  }
}
