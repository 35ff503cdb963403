import type { SendResult } from './mail-sender';
import type { OutboxChannel } from './outbox-repository';

/** One channel's sender: claims its own outbox rows, so channels never wait on each other. */
export interface ChannelSender {
  sendDue(at?: Date): Promise<SendResult>;
}

/** What one delivery round did, per channel that has a sender. */
export type DeliveryResult = Partial<Record<OutboxChannel, SendResult>>;

/**
 * Every channel's sender (the host's bell, email, webhooks): what a delivery job runs. The bell
 * goes first: it is a quick write to the host's own database, so entries appear before any
 * network wait. Email and webhooks then run side by side, so a slow SMTP server or webhook
 * holds up only its own channel. (Claims lock rows by primary key, so channels claiming at once
 * never hold each other's rows: OutboxRepository.claimDue.)
 */
export class Deliveries {
  constructor(private readonly senders: Partial<Record<OutboxChannel, ChannelSender>>) {}

  /** Adds (or replaces) a channel's sender, for channels wired after the module's services. */
  set(channel: OutboxChannel, sender: ChannelSender): void {
    this.senders[channel] = sender;
  }

  async sendDue(at?: Date): Promise<DeliveryResult> {
    const { in_app: bell, ...others } = this.senders;
    const first: DeliveryResult = bell ? { in_app: await bell.sendDue(at) } : {};
    const entries = Object.entries(others) as [OutboxChannel, ChannelSender][];
    const results = await Promise.all(
      entries.map(async ([channel, s]) => [channel, await s.sendDue(at)] as const),
    );
    return { ...first, ...Object.fromEntries(results) };
  }
}
