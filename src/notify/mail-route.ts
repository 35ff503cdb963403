import type { Transporter } from 'nodemailer';

/** Anything that can send one message the way nodemailer's `sendMail` does. */
export type MailTransport = Pick<Transporter, 'sendMail' | 'close'>;

/** A sender address as nodemailer takes it: a header string, or a name and an address kept apart. */
export type MailFrom = string | { name: string; address: string };

/** Where mail goes right now: the transport and, when the route names one, its own sender. */
export interface MailRoute {
  transport: MailTransport;
  /** The route's sender (Perfex's `smtp_email`); null: the sender's configured default. */
  from: MailFrom | null;
}

/** A route, or why there is none yet: mail then stays pending in the outbox. */
export type MailRouteState =
  | { ready: true; route: MailRoute }
  /** `logged`: the source already said why, so the sender does not say it again. */
  | { ready: false; reason: string; logged?: boolean };

/**
 * Where the mail sender takes its transport from, asked before every batch: a fixed SMTP URL
 * (`SMTP_URL`, the devhost mailbox), or settings that arrive later and may change (Perfex's).
 */
export interface MailRouteSource {
  current(): MailRouteState;
  /** Closes the pooled connections; the next `current()` may open new ones. */
  close(): Promise<void>;
}

/** One transport for the whole run, built on first use (an SMTP URL, or a test's own transport). */
export class FixedMailRoute implements MailRouteSource {
  private transport: MailTransport | null = null;

  constructor(private readonly create: () => MailTransport) {}

  current(): MailRouteState {
    this.transport ??= this.create();
    return { ready: true, route: { transport: this.transport, from: null } };
  }

  async close(): Promise<void> {
    const transport = this.transport;
    this.transport = null;
    transport?.close();
  }
}

/** No route in this process: mail stays pending for the process that has one (`reason` says which). */
export class NoMailRoute implements MailRouteSource {
  constructor(private readonly reason: string) {}

  current(): MailRouteState {
    return { ready: false, reason: this.reason };
  }

  async close(): Promise<void> {}
}
