import type { Logger } from 'pino';
import type { HostActionOutcomes } from './host-action-outcomes';
import { hostInstruction, type HostInstruction } from './host-action-instruction';

/** Who performs escalation host actions: the scan itself, or the host pulling them (HostActionDesk). */
export type HostActionMode = 'perform' | 'host_pulls';

/** Applies one instruction through an in-process host's gateway; throws with the reason it could not. */
export type PerformInstruction = (instruction: HostInstruction) => Promise<void>;

/**
 * Performs, in-process, the host actions earlier scan transactions left pending for one subject
 * kind: each claimed once, applied through `perform`, its outcome and audit recorded once.
 * Tickets and leads run this same loop; only their `perform` differs. Returns how many succeeded.
 */
export async function performClaimedActions(
  outcomes: HostActionOutcomes,
  perform: PerformInstruction,
  logger: Logger,
  now: Date,
): Promise<number> {
  const escalations = outcomes.escalations;
  let done = 0;
  for (let action = await escalations.claimAction(now); action; action = await escalations.claimAction(now)) {
    try {
      const made = hostInstruction(action);
      if (!made.ok) throw new Error(made.error);
      await perform(made.instruction);
      await outcomes.record(action, { ok: true });
      done++;
    } catch (err) {
      const kind = action.subjectType;
      logger.error(
        { err, [`${kind}Id`]: action.subjectId },
        `sla_vigil: escalation action failed for ${kind} ${action.subjectId}`,
      );
      await outcomes.record(action, { ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return done;
}
