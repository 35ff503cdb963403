import type { i18n } from 'i18next';
import type { Clock, OptionStore } from '../../host/host-context';
import { INSTALL_LANGUAGE_OPTION, languageCode } from '../../host/perfex/perfex-languages';
import { formatDateTime } from '../../i18n/format-date';
import type { MessageStyle } from './webhook-body';
import type { WebhookClient } from './webhook-client';
import { postSigned, webhookBody, type PostOutcome } from './webhook-poster';
import type { WebhookRepository } from './webhook-repository';
import { sampleEvent } from './sample-event';

/**
 * The webhook parts pages and the firing side share: the chat presets' wording (the install's
 * default language and zone, as no one person reads a channel) and the settings page's test post.
 */
export class WebhookService {
  constructor(
    readonly repository: WebhookRepository,
    readonly client: WebhookClient,
    private readonly translator: i18n,
    private readonly clock: Clock,
    private readonly adminBaseUrl: string,
    private readonly zone: string,
    /** Where the install's default language is kept; none: English. */
    private readonly options?: Pick<OptionStore, 'get'>,
  ) {}

  /** The install's default language as a locale code (a host without the option: English). */
  async language(): Promise<string> {
    try {
      return languageCode(await this.options?.get(INSTALL_LANGUAGE_OPTION));
    } catch {
      // The wording of a chat message is not worth a failed post.
      return 'en';
    }
  }

  /** How the Slack and Teams presets word and time a message in `lang`. */
  style(lang: string): MessageStyle {
    return {
      t: this.translator.getFixedT(lang),
      time: (iso) => `${formatDateTime(new Date(iso), this.zone, lang)} (${this.zone})`,
    };
  }

  /**
   * Posts a signed sample event in the endpoint's format and returns what the receiver answered.
   * Null when there is no such endpoint. Not written to the outbox: a test is not a delivery.
   */
  async sendTest(key: string): Promise<PostOutcome | null> {
    const endpoint = await this.repository.endpoint(key);
    if (!endpoint) return null;
    const now = this.clock.now();
    const style = this.style(await this.language());
    const event = sampleEvent(endpoint.key, now, this.adminBaseUrl, style.t);
    return postSigned(this.client, endpoint, webhookBody(endpoint, event, style), now);
  }
}
