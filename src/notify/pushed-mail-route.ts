import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type { Logger } from 'pino';
import type { MailFrom, MailRoute, MailRouteSource, MailRouteState, MailTransport } from './mail-route';

/** SMTP settings the host handed over, already turned into nodemailer's terms. */
export interface PushedSmtp {
  usable: true;
  smtp: SMTPPool.Options;
  /** The host's own sender; null: the module's default sender. */
  from: MailFrom | null;
  /** For log lines: host, port and encryption, never a credential. */
  label: string;
}

/** What the host pushed: SMTP settings to send with, or why they cannot be used. */
export type PushedMailSettings = PushedSmtp | { usable: false; reason: string };

/**
 * The mail route built from settings the host pushes (Perfex hands over its SMTP settings on
 * every cron run): held in this process's memory only, never written anywhere, so a restarted
 * service waits for the next push. Until the first push, and while the host's settings are
 * unusable, there is no route and the outbox keeps its mail pending. Changed settings replace
 * the transport; the old pool finishes the message it is delivering and then closes.
 */
export class PushedMailRoute implements MailRouteSource {
  private state: MailRouteState;
  /** A digest of the last settings, to tell a change from the same settings pushed again. */
  private digest: string | null = null;

  constructor(
    private readonly logger: Logger,
    waitingReason: string,
    private readonly createTransport: (options: SMTPPool.Options) => MailTransport = (options) =>
      nodemailer.createTransport(options),
  ) {
    this.state = { ready: false, reason: waitingReason };
  }

  current(): MailRouteState {
    return this.state;
  }

  /** Takes the latest settings; false when they are the ones already in use. */
  replace(settings: PushedMailSettings): boolean {
    const digest = createHash('sha256').update(JSON.stringify(settings)).digest('hex');
    if (digest === this.digest) return false;
    this.digest = digest;
    const old = this.state.ready ? this.state.route.transport : null;
    if (settings.usable) {
      const route: MailRoute = { transport: this.createTransport(settings.smtp), from: settings.from };
      this.state = { ready: true, route };
      this.logger.info(
        `sla_vigil mail: escalation emails go through the host's SMTP settings (${settings.label})`,
      );
    } else {
      this.state = { ready: false, reason: settings.reason, logged: true };
      this.logger.warn(`sla_vigil mail: ${settings.reason}`);
    }
    old?.close();
    return true;
  }

  async close(): Promise<void> {
    if (this.state.ready) this.state.route.transport.close();
    // A later send builds nothing from the closed pool: the next push brings a new one.
    this.state = { ready: false, reason: 'the mail sender was closed' };
    this.digest = null;
  }
}
