import type { Knex } from 'knex';
import { PerfexLeadGateway } from '../src/host/perfex/perfex-lead-gateway';
import type { LeadService } from './lead-service';

/**
 * The module's view of the devhost's leads: Perfex reads, and the one write an escalation makes
 * (reassign) goes through the devhost's own lead edit, so `after_lead_updated` fires as it
 * would for a staff edit.
 */
export class DevhostLeadGateway extends PerfexLeadGateway {
  constructor(
    db: Knex,
    prefix: string,
    timezone: string,
    private readonly actions: LeadService,
  ) {
    super(db, prefix, timezone);
  }

  async reassign(leadId: number, staffId: number): Promise<void> {
    await this.actions.update(leadId, { assigned: staffId });
  }
}
