/** Where Perfex's admin shows one ticket (relative to the admin's base URL). */
export function perfexTicketPath(ticketId: number | string): string {
  return `/admin/tickets/ticket/${ticketId}`;
}

/**
 * Where mail goes when SMTP_URL is unset: the devhost's own mailbox (`npm run demo` listens
 * there). A real Perfex install sets SMTP_URL or hands over its own SMTP settings.
 */
export const DEVHOST_MAILBOX_SMTP_URL = 'smtp://127.0.0.1:2525';

/** The port of that mailbox, for the devhost that opens it. */
export const DEVHOST_MAILBOX_PORT = Number(new URL(DEVHOST_MAILBOX_SMTP_URL).port);

/**
 * Where Perfex's admin shows one lead (relative to the admin's base URL): the lead list, which
 * opens the lead's modal for the id in the path.
 */
export function perfexLeadPath(leadId: number | string): string {
  return `/admin/leads/index/${leadId}`;
}

/** A path under the admin (`/admin/tickets/ticket/12`) as Perfex's notification links hold it (`tickets/ticket/12`). */
export function adminRelative(path: string): string {
  return path.replace(/^\/admin\//, '');
}
