import type { Heartbeats } from '../store/heartbeat-repository';

/**
 * Where `sla-vigil serve` sends escalation mail, as it records it in the heartbeat `mail_route`
 * (only this word, never a setting): waiting for the host's settings, through them, unable to
 * use them (the host does not send with SMTP), or through SMTP_URL.
 */
export type MailRouteBeat = 'waiting' | 'host' | 'unusable' | 'smtp_url';

const BEATS: readonly string[] = ['waiting', 'host', 'unusable', 'smtp_url'] satisfies MailRouteBeat[];

/** `status`'s mail line, or null when no `serve` ever recorded its mail route (the devhost, the CLI alone). */
export function mailRouteLine(beats: Heartbeats, pending: number): string | null {
  const beat = beats.get('mail_route');
  const state = beat?.details?.state;
  if (!beat || typeof state !== 'string' || !BEATS.includes(state)) return null;
  const since = beat.at.toISOString();
  switch (state as MailRouteBeat) {
    case 'waiting':
      return (
        `mail: waiting for Perfex's mail settings since ${since} (${pending} emails pending); ` +
        "they come with Perfex's next cron run, or set SMTP_URL"
      );
    case 'host':
      return `mail: through Perfex's SMTP settings (last received ${since})`;
    case 'unusable':
      return `mail: Perfex does not send with SMTP (since ${since}); set SMTP_URL for escalation emails (${pending} pending)`;
    case 'smtp_url':
      return "mail: through SMTP_URL (Perfex's mail settings are ignored)";
  }
}

/**
 * Whether a `serve` on this database routes mail through the host's pushed settings: then a
 * command-line process without SMTP_URL must leave the mail to it (it has no settings of its own).
 */
export function mailRoutedByServe(beats: Heartbeats): boolean {
  const state = beats.get('mail_route')?.details?.state;
  return state === 'waiting' || state === 'host' || state === 'unusable';
}
