import type { Knex } from 'knex';
import { PerfexTicketGateway } from '../src/host/perfex/perfex-ticket-gateway';
import type { TicketService } from './ticket-service';

/**
 * The module's view of the devhost's tickets: Perfex reads, but the writes an escalation
 * makes go through the devhost's own ticket actions, so they fire `ticket_settings_updated`
 * exactly as a staff edit would (the bridge a real Perfex install provides in PHP).
 */
export class DevhostTicketGateway extends PerfexTicketGateway {
  constructor(
    db: Knex,
    prefix: string,
    timezone: string,
    private readonly actions: TicketService,
  ) {
    super(db, prefix, timezone);
  }

  override async reassign(ticketId: number, staffId: number): Promise<void> {
    await this.actions.updateSettings(ticketId, { assigned: staffId });
  }

  override async changeDepartment(ticketId: number, departmentId: number): Promise<void> {
    await this.actions.updateSettings(ticketId, { department: departmentId });
  }

  override async changePriority(ticketId: number, priorityId: number): Promise<void> {
    await this.actions.updateSettings(ticketId, { priority: priorityId });
  }
}
