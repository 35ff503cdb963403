import type { TicketGateway } from '../../host/host-context';
import type { TimelineRepository } from '../timeline-repository';
import type { SubjectRepository } from '../subject-repository';
import type { ClockService } from '../../engine/clock-service';
import type { ClockRepository } from '../clock-repository';
import type { ExplainPhrases } from '../../sla/clocks/explain-clock';
import { SubjectSlaService, type SubjectSla } from './subject-sla-service';

/**
 * The JSON shape of DESIGN.md for one ticket, plus `explain` (`GET /api/tickets/:id`, `sla-vigil
 * ticket`). `clocks` holds the customer's SLA clocks only, as the fixed shape has always meant;
 * a team's internal clocks (OLA) come apart in `internalClocks`, when the policy has any.
 */
export type TicketSla = { ticketId: number } & Omit<SubjectSla, 'subjectType' | 'subjectId'> & {
    internalClocks?: SubjectSla['clocks'];
  };

/** One ticket's SLA in the ticket JSON: the subject read, keyed `ticketId` as DESIGN.md fixes it. */
export class TicketSlaService {
  readonly subject: SubjectSlaService;

  constructor(
    tickets: TicketGateway,
    timeline: TimelineRepository,
    subjects: SubjectRepository,
    clocks: ClockService,
    storedClocks: ClockRepository,
  ) {
    const statusNames = async (): Promise<Map<number, string>> =>
      new Map((await tickets.listStatuses()).map((s) => [s.id, s.name]));
    this.subject = new SubjectSlaService('ticket', statusNames, timeline, subjects, clocks, storedClocks);
  }

  async get(
    ticketId: number,
    now: Date,
    hostTimezone: string,
    phrases?: ExplainPhrases,
  ): Promise<TicketSla | null> {
    const sla = await this.subject.get(ticketId, now, hostTimezone, phrases);
    if (!sla) return null;
    const internal = sla.clocks.filter((c) => c.scope === 'internal');
    return {
      ticketId: sla.subjectId,
      policy: sla.policy,
      state: sla.state,
      clocks: sla.clocks.filter((c) => c.scope !== 'internal'),
      ...(internal.length > 0 && { internalClocks: internal }),
    };
  }
}
