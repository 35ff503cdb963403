import { z } from 'zod';
import { MAX_ID, idNumber } from '../../sla/strict-input';

/**
 * The events the Perfex module forwards (bridge-contract), read strictly: integer ids within
 * 32 bits, no key the contract does not list (PHP never forwards the whole `original_ticket`,
 * which carries password hashes; a payload that has more is refused, not trimmed).
 */

/**
 * Perfex writes 0 for "none" in assigned, userid, contactid and priority (PERFEX.md), and real
 * databases hold department 0 too: such a ticket's settings edit must not be refused.
 */
const idOrZero = z.number().int().min(0).max(MAX_ID, `at most ${MAX_ID}`);

const ORIGINAL = z.strictObject({
  assigned: idOrZero,
  department: idOrZero,
  priority: idOrZero,
  status: idNumber,
  userid: idOrZero,
  contactid: idOrZero,
  service: idOrZero.nullable(),
});

const SETTINGS = z.strictObject({
  department: idOrZero.optional(),
  priority: idOrZero.optional(),
  assigned: idOrZero.optional(),
  userid: idOrZero.optional(),
  contactid: idOrZero.optional(),
  service: idOrZero.nullable().optional(),
});

/** Perfex's bulk action form posts at most one page of a table; more is not a real request. */
const MAX_BULK_IDS = 10_000;

/**
 * Perfex's lead hooks pass the lead id alone (PERFEX.md); PHP casts it, as it casts the status
 * change's three ids. `before_lead_deleted` is not part of the contract: clocks end after the delete.
 */
const LEAD_ID = z.strictObject({ lead_id: idNumber });

export const BRIDGE_PAYLOADS = {
  ticket_created: z.strictObject({ ticket_id: idNumber }),
  after_ticket_reply_added: z.strictObject({
    ticket_id: idNumber,
    reply_id: idNumber,
    admin: idNumber.nullable(),
  }),
  after_ticket_status_changed: z.strictObject({ ticket_id: idNumber, status: idNumber }),
  ticket_settings_updated: z.strictObject({ ticket_id: idNumber, original: ORIGINAL, data: SETTINGS }),
  before_do_bulk_action_for_tickets: z.strictObject({
    ids: z.array(idNumber).max(MAX_BULK_IDS),
    status: idNumber.nullable(),
    department: idNumber.nullable(),
    priority: idNumber.nullable(),
    service: idOrZero.nullable(),
    merge: z.boolean(),
    primary_ticket: idNumber.nullable(),
    mass_delete: z.boolean(),
  }),
  after_ticket_deleted: z.strictObject({ ticket_id: idNumber }),
  after_cron_run: z.strictObject({ manually: z.boolean() }),
  lead_created: LEAD_ID,
  lead_status_changed: z.strictObject({ lead_id: idNumber, old_status: idNumber, new_status: idNumber }),
  after_lead_updated: LEAD_ID,
  lead_marked_as_lost: LEAD_ID,
  lead_marked_as_junk: LEAD_ID,
  after_lead_deleted: LEAD_ID,
} as const;

export type BridgeEventName = keyof typeof BRIDGE_PAYLOADS;
export type BridgeEvent = {
  [E in BridgeEventName]: { event: E; payload: z.infer<(typeof BRIDGE_PAYLOADS)[E]> };
}[BridgeEventName];

const ENVELOPE = z.strictObject({
  event: z.enum(Object.keys(BRIDGE_PAYLOADS) as [BridgeEventName, ...BridgeEventName[]]),
  payload: z.unknown(),
});

export type BridgeEventParse = { ok: true; event: BridgeEvent } | { ok: false; field: string; error: string };

/** The first problem of a document, naming its field the way the document spells it (`payload.original.password`). */
export function firstProblem(error: z.ZodError, prefix: string[]): { field: string; error: string } {
  const issue = error.issues[0];
  const path = [...prefix, ...issue.path.map(String)];
  if (issue.code === 'unrecognized_keys')
    return { field: [...path, issue.keys[0]].join('.'), error: 'is not part of the bridge contract' };
  return { field: path.length ? path.join('.') : 'body', error: issue.message };
}

/** A parsed JSON body to one of the contract's events, or the field that is wrong. */
export function parseBridgeEvent(body: unknown): BridgeEventParse {
  const envelope = ENVELOPE.safeParse(body);
  if (!envelope.success) return { ok: false, ...firstProblem(envelope.error, []) };
  const { event } = envelope.data;
  const payload = BRIDGE_PAYLOADS[event].safeParse(envelope.data.payload);
  if (!payload.success) return { ok: false, ...firstProblem(payload.error, ['payload']) };
  return { ok: true, event: { event, payload: payload.data } as BridgeEvent };
}
