import type { HookDeps } from '../../../hooks/hook-deps';
import ticketCreated from '../../../hooks/ticket-created';
import ticketReplyAdded from '../../../hooks/ticket-reply-added';
import ticketStatusChanged from '../../../hooks/ticket-status-changed';
import ticketSettingsUpdated from '../../../hooks/ticket-settings-updated';
import ticketDeleted from '../../../hooks/ticket-deleted';
import cronRun from '../../../hooks/cron-run';
import leadCreated from '../../../hooks/lead-created';
import leadStatusChanged from '../../../hooks/lead-status-changed';
import leadUpdated from '../../../hooks/lead-updated';
import leadMarkedLost from '../../../hooks/lead-marked-lost';
import leadMarkedJunk from '../../../hooks/lead-marked-junk';
import leadDeleted from '../../../hooks/lead-deleted';
import type { BridgeEvent } from './bridge-events';

export interface BridgeIntakeDeps extends HookDeps {
  /** A scan after the host's bulk UPDATEs, which Perfex runs after announcing them. */
  requestScanAfterBulk(): Promise<void>;
}

/**
 * Events from the signed channel go through the same hook handlers the in-process host calls,
 * with the contract's payloads put back into Perfex's hook shapes: one path per event, whichever
 * way it arrives. The handlers are guarded, so a failing event is logged and never thrown.
 */
export function createBridgeIntake(deps: BridgeIntakeDeps): (event: BridgeEvent) => Promise<void> {
  const created = ticketCreated(deps);
  const replyAdded = ticketReplyAdded(deps);
  const statusChanged = ticketStatusChanged(deps);
  const settingsUpdated = ticketSettingsUpdated(deps);
  const deleted = ticketDeleted(deps);
  const cron = cronRun(deps);
  // Without `deps.leads` (a host with no leads) these do nothing, as in-process.
  const lead = {
    created: leadCreated(deps),
    statusChanged: leadStatusChanged(deps),
    updated: leadUpdated(deps),
    lost: leadMarkedLost(deps),
    junk: leadMarkedJunk(deps),
    deleted: leadDeleted(deps),
  };
  return async ({ event, payload }: BridgeEvent) => {
    switch (event) {
      case 'ticket_created':
        return created(payload.ticket_id);
      case 'after_ticket_reply_added':
        return replyAdded({ id: payload.ticket_id, replyid: payload.reply_id, admin: payload.admin });
      case 'after_ticket_status_changed':
        return statusChanged({ id: payload.ticket_id, status: payload.status });
      case 'ticket_settings_updated':
        return settingsUpdated({
          ticket_id: payload.ticket_id,
          original_ticket: { ticketid: payload.ticket_id, ...payload.original },
          data: payload.data,
        });
      case 'before_do_bulk_action_for_tickets':
        return deps.recorder.guarded(event, null, deps.requestScanAfterBulk);
      case 'after_ticket_deleted':
        return deleted(payload.ticket_id);
      case 'after_cron_run':
        return cron(payload.manually);
      case 'lead_created':
        return lead.created(payload.lead_id);
      case 'lead_status_changed':
        return lead.statusChanged(payload);
      case 'after_lead_updated':
        return lead.updated(payload.lead_id);
      case 'lead_marked_as_lost':
        return lead.lost(payload.lead_id);
      case 'lead_marked_as_junk':
        return lead.junk(payload.lead_id);
      case 'after_lead_deleted':
        return lead.deleted(payload.lead_id);
    }
  };
}
