import { parseBridgeEvent } from '../../src/host/bridge/bridge-events';

const original = {
  assigned: 0,
  department: 1,
  priority: 2,
  status: 1,
  userid: 0,
  contactid: 0,
  service: null,
};

describe('bridge event payloads (bridge-contract)', () => {
  it.each([
    ['ticket_created', { ticket_id: 42 }],
    ['after_ticket_reply_added', { ticket_id: 42, reply_id: 7, admin: null }],
    ['after_ticket_reply_added', { ticket_id: 42, reply_id: 7, admin: 3 }],
    ['after_ticket_status_changed', { ticket_id: 42, status: 5 }],
    ['ticket_settings_updated', { ticket_id: 42, original, data: {} }],
    // Priority 0 is Perfex's "none", department 0 occurs in real data: an edit of such a ticket.
    [
      'ticket_settings_updated',
      { ticket_id: 42, original: { ...original, department: 0, priority: 0 }, data: { priority: 2 } },
    ],
    [
      'ticket_settings_updated',
      { ticket_id: 42, original, data: { assigned: 0, service: null, priority: 3 } },
    ],
    [
      'before_do_bulk_action_for_tickets',
      {
        ids: [1, 2],
        status: null,
        department: null,
        priority: 3,
        service: null,
        merge: true,
        primary_ticket: 1,
        mass_delete: false,
      },
    ],
    ['after_ticket_deleted', { ticket_id: 42 }],
    ['after_cron_run', { manually: true }],
    ['lead_created', { lead_id: 31 }],
    ['lead_status_changed', { lead_id: 31, old_status: 2, new_status: 3 }],
    ['after_lead_updated', { lead_id: 31 }],
    ['lead_marked_as_lost', { lead_id: 31 }],
    ['lead_marked_as_junk', { lead_id: 31 }],
    ['after_lead_deleted', { lead_id: 31 }],
  ])('%s %j is accepted as sent', (event, payload) => {
    expect(parseBridgeEvent({ event, payload })).toEqual({ ok: true, event: { event, payload } });
  });

  it.each([
    [{ event: 'ticket_created', payload: { ticket_id: '42' } }, 'payload.ticket_id'],
    [{ event: 'ticket_created', payload: { ticket_id: 0 } }, 'payload.ticket_id'],
    [{ event: 'ticket_created', payload: { ticket_id: 2_147_483_648 } }, 'payload.ticket_id'],
    [{ event: 'ticket_created', payload: {} }, 'payload.ticket_id'],
    [{ event: 'ticket_created' }, 'payload'],
    [{ event: 'ticket_created', payload: { ticket_id: 1, id: 1 } }, 'payload.id'],
    [{ payload: { ticket_id: 1 } }, 'event'],
    [{ event: 'after_cron_run', payload: { manually: 1 } }, 'payload.manually'],
    [{ event: 'lead_created', payload: { lead_id: '31' } }, 'payload.lead_id'],
    [{ event: 'lead_marked_as_lost', payload: { lead_id: 0 } }, 'payload.lead_id'],
    [{ event: 'after_lead_updated', payload: { lead_id: 31, name: 'Ravi' } }, 'payload.name'],
    [
      { event: 'lead_status_changed', payload: { lead_id: 31, old_status: 2, new_status: 1.5 } },
      'payload.new_status',
    ],
    [{ event: 'before_lead_deleted', payload: { lead_id: 31 } }, 'event'],
    [
      {
        event: 'ticket_settings_updated',
        payload: { ticket_id: 1, original: { ...original, password: 'x' }, data: {} },
      },
      'payload.original.password',
    ],
    [
      { event: 'ticket_settings_updated', payload: { ticket_id: 1, original, data: { status: 2 } } },
      'payload.data.status',
    ],
    [
      {
        event: 'ticket_settings_updated',
        payload: { ticket_id: 1, original: { ...original, userid: -1 }, data: {} },
      },
      'payload.original.userid',
    ],
    [
      {
        event: 'before_do_bulk_action_for_tickets',
        payload: {
          ids: [1, 'x'],
          status: null,
          department: null,
          priority: null,
          service: null,
          merge: false,
          primary_ticket: null,
          mass_delete: false,
        },
      },
      'payload.ids.1',
    ],
    [[], 'body'],
  ])('%j is refused naming %s', (body, field) => {
    const parsed = parseBridgeEvent(body);
    expect(parsed).toMatchObject({ ok: false, field });
  });
});
