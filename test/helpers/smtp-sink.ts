import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

/** One message as the sink received it. */
export interface SinkMessage {
  messageId: string | null;
  from: string | null;
  to: string[];
  subject: string | null;
  text: string | null;
  html: string | null;
  /** The user the sender authenticated as (null without AUTH). */
  authUser: string | null;
}

export interface SmtpSinkOptions {
  /** Require AUTH with exactly these credentials (over plain SMTP, as a local test server). */
  auth?: { user: string; pass: string };
}

/**
 * A real SMTP server in the test process that keeps every message (duplicates included, unlike
 * the devhost mailbox). `stop()` then `start()` reuses the port, so a test can take SMTP down
 * and bring it back under a sender that keeps the same URL.
 */
export class SmtpSink {
  readonly messages: SinkMessage[] = [];
  port = 0;
  private server: SMTPServer | null = null;
  /** Every AUTH attempt, accepted or not (to show which credentials a sender used). */
  readonly logins: { user: string; accepted: boolean }[] = [];

  constructor(private readonly options: SmtpSinkOptions = {}) {}

  get running(): boolean {
    return this.server !== null;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Listens on the previous port after a stop, else on a free one. */
  async start(): Promise<number> {
    if (this.server) throw new Error('smtp sink is already running');
    const required = this.options.auth;
    const server = new SMTPServer({
      authOptional: !required,
      disabledCommands: ['STARTTLS'],
      ...(required && {
        allowInsecureAuth: true,
        onAuth: (auth, _session, callback) => {
          const accepted = auth.username === required.user && auth.password === required.pass;
          this.logins.push({ user: auth.username ?? '', accepted });
          if (accepted) callback(null, { user: auth.username });
          else callback(new Error('Invalid username or password'));
        },
      }),
      logger: false,
      // stop() must not wait 30 s for a sender's pooled idle connections.
      closeTimeout: 50,
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((mail) => {
            this.messages.push({
              messageId: mail.messageId ?? null,
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
              to: session.envelope.rcptTo.map((r) => r.address),
              subject: mail.subject ?? null,
              text: mail.text ?? null,
              html: typeof mail.html === 'string' ? mail.html : null,
              authUser: typeof session.user === 'string' ? session.user : null,
            });
            callback();
          })
          .catch((err: Error) => callback(err));
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
    return this.port;
  }

  /** Closes the port and drops open connections: senders see "connection refused" until start(). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
