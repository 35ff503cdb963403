import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { AddressInfo } from 'node:net';
import { instantToHost } from '../src/store/datetime';
import { readableHeaders, type ReadableHeader } from './mail-headers';

export interface MailboxMessage {
  id: number;
  mail_from: string | null;
  rcpt_to: string;
  subject: string | null;
  text: string | null;
  html: string | null;
  /** The sender's Message-ID, angle brackets included; null when the message had none. */
  message_id: string | null;
  /** Every header, readable (JSON of ReadableHeader[]); null for mail kept before headers were. */
  headers: string | null;
  /** The message as received (headers and MIME body), for "the whole email". */
  source: string | null;
  received_at: string;
}

/** A stored message's headers, or none for mail kept before headers were. */
export function storedHeaders(message: MailboxMessage): ReadableHeader[] {
  if (!message.headers) return [];
  const parsed: unknown = JSON.parse(message.headers);
  return Array.isArray(parsed) ? (parsed as ReadableHeader[]) : [];
}

/**
 * The devhost's local mailbox: an in-process SMTP server (no auth, loopback only) that keeps
 * every message it receives in `tbldevhost_mailbox`, where the admin mailbox page reads them.
 * Like a receiving server that deduplicates, a message whose Message-ID it already holds is
 * accepted and dropped, so a sender's retry after an unclear failure shows up once.
 */
export class Mailbox {
  private server: SMTPServer | null = null;
  port = 0;

  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
    private readonly timezone: string,
    private readonly logger: Logger,
  ) {}

  async start(port: number): Promise<number> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        readAll(stream)
          .then(async (source) => {
            const mail = await simpleParser(source);
            // The unique index on message_id makes the duplicate check atomic across connections.
            await this.db(`${this.prefix}devhost_mailbox`)
              .insert({
                mail_from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
                rcpt_to: session.envelope.rcptTo.map((r) => r.address).join(', '),
                subject: mail.subject ?? null,
                text: mail.text ?? null,
                html: typeof mail.html === 'string' ? mail.html : null,
                message_id: mail.messageId ?? null,
                headers: JSON.stringify(readableHeaders(mail, this.timezone)),
                source: source.toString('utf8'),
                received_at: instantToHost(new Date(), this.timezone),
              })
              .onConflict('message_id')
              .ignore();
            callback();
          })
          .catch((err: Error) => {
            this.logger.error({ err }, 'mailbox could not store a message');
            callback(err);
          });
      },
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    return this.port;
  }

  async list(limit = 100): Promise<MailboxMessage[]> {
    return this.db(`${this.prefix}devhost_mailbox`).orderBy('id', 'desc').limit(limit);
  }

  async get(id: number): Promise<MailboxMessage | undefined> {
    return this.db(`${this.prefix}devhost_mailbox`).where('id', id).first();
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The whole message as sent (the devhost's mailbox takes small notification emails only). */
async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}
