import type { Knex } from 'knex';
import { WEBHOOK_FORMATS, type WebhookFormat } from '../../sla/config/webhook-config';
import { utcFromSql } from '../../store/datetime';

/** An endpoint as a sender needs it: the one place its secret is read. */
export interface WebhookEndpoint {
  key: string;
  name: string;
  url: string;
  secret: string;
  format: WebhookFormat;
  allowPrivateAddress: boolean;
}

/** One line of the webhook delivery log, newest first, for the settings page. */
export interface WebhookDeliveryRow {
  attemptedAt: Date;
  webhook: string;
  subjectType: string | null;
  subjectId: number | null;
  attempt: number;
  outcome: string;
  statusCode: number | null;
  response: string | null;
}

/** Reads endpoints for sending (with their secret) and the webhook part of the delivery log. */
export class WebhookRepository {
  private readonly table: string;
  private readonly outbox: string;
  private readonly deliveries: string;

  constructor(
    private readonly db: Knex,
    prefix: string,
  ) {
    this.table = `${prefix}sla_vigil_webhooks`;
    this.outbox = `${prefix}sla_vigil_outbox`;
    this.deliveries = `${prefix}sla_vigil_deliveries`;
  }

  async endpoint(key: string): Promise<WebhookEndpoint | null> {
    const row = await this.db(this.table).where('key', key).first();
    if (!row) return null;
    const format = String(row.format);
    return {
      key: String(row.key),
      name: String(row.name),
      url: String(row.url),
      secret: String(row.secret),
      // A format this version does not know is posted as our own JSON rather than dropped.
      format: (WEBHOOK_FORMATS as readonly string[]).includes(format) ? (format as WebhookFormat) : 'json',
      allowPrivateAddress: Boolean(row.allow_private_address),
    };
  }

  /** The latest attempts of webhook deliveries (outbox rows of channel `webhook`), newest first. */
  async recentDeliveries(limit = 50): Promise<WebhookDeliveryRow[]> {
    const rows: Record<string, unknown>[] = await this.db(`${this.deliveries} as d`)
      .join(`${this.outbox} as o`, 'o.id', 'd.outbox_id')
      .where('o.channel', 'webhook')
      .orderBy([
        { column: 'd.attempted_at', order: 'desc' },
        { column: 'd.id', order: 'desc' },
      ])
      .limit(limit)
      .select(
        'd.attempted_at',
        'o.target',
        'o.subject_type',
        'o.subject_id',
        'd.attempt',
        'd.outcome',
        'd.status_code',
        'd.response',
      );
    return rows.map((r) => ({
      attemptedAt: utcFromSql(r.attempted_at as string | Date),
      webhook: String(r.target ?? ''),
      subjectType: r.subject_type === null ? null : String(r.subject_type),
      subjectId: r.subject_id === null ? null : Number(r.subject_id),
      attempt: Number(r.attempt),
      outcome: String(r.outcome),
      statusCode: r.status_code === null ? null : Number(r.status_code),
      response: r.response === null ? null : String(r.response),
    }));
  }
}
