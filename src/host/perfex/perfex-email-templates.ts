import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Clock, EmailTemplateSource, HostEmailTemplate } from '../host-context';
import { EMAIL_TEMPLATE_SLUGS, type EmailTemplateSlug } from '../../notify/host-email-template';
import { isPerfexTemplateDefault } from './perfex-email-template-defaults';
import { knownLanguageCode } from './perfex-languages';

/** Edits in Setup > Email Templates reach escalation emails within this long. */
export const TEMPLATE_CACHE_TTL_MS = 60_000;

const SLUGS: readonly string[] = Object.values(EMAIL_TEMPLATE_SLUGS);

/**
 * The module's templates as a Perfex admin edited them under Setup > Email Templates.
 *
 * PERFEX.md documents only that `create_email_template(subject, message, type, name, slug)`
 * creates them in `emailtemplates` and that they are editable per language. Everything this
 * file reads beyond that is a GUESS, kept here and nowhere else: the rows are found by a `slug`
 * column, and each row's `language` (Perfex's word, `english`), `subject` and `message` columns
 * hold one language's version. So every read is tolerant: a failing query (no such table or
 * column) or a row of another shape means "no host template", the module's own templates are
 * used, and the reason is logged once per cause, not per email.
 *
 * All module templates are read in one query and kept for a minute: a scan asks once per email,
 * the host is asked at most once a minute. A template still reading as the PHP module registered
 * it is not used either: the module's own template, in the recipient's language, says the same.
 */
export class PerfexEmailTemplates implements EmailTemplateSource {
  private cached: { at: number; templates: Map<string, HostEmailTemplate> } | null = null;
  private loading: Promise<Map<string, HostEmailTemplate>> | null = null;
  private readonly logged = new Set<string>();

  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
    private readonly logger: Logger,
    private readonly clock: Clock = { now: () => new Date() },
    private readonly ttlMs = TEMPLATE_CACHE_TTL_MS,
  ) {}

  async template(slug: string, language: string): Promise<HostEmailTemplate | null> {
    const templates = await this.all();
    return templates.get(key(slug, language)) ?? null;
  }

  /** Forget what was read: the next email reads the host again (after an admin saved, in tests). */
  invalidate(): void {
    this.cached = null;
  }

  private async all(): Promise<Map<string, HostEmailTemplate>> {
    const now = this.clock.now().getTime();
    if (this.cached && now - this.cached.at < this.ttlMs) return this.cached.templates;
    // Concurrent renders share one read.
    this.loading ??= this.read().finally(() => {
      this.loading = null;
    });
    const templates = await this.loading;
    this.cached = { at: now, templates };
    return templates;
  }

  private async read(): Promise<Map<string, HostEmailTemplate>> {
    const templates = new Map<string, HostEmailTemplate>();
    let rows: Record<string, unknown>[];
    try {
      // `*`: only `slug` is named in SQL, so a differently named other column cannot fail the query.
      rows = (await this.db(`${this.prefix}emailtemplates`).select('*').whereIn('slug', SLUGS)) as Record<
        string,
        unknown
      >[];
    } catch (err) {
      const missingTable = (err as { code?: unknown }).code === 'ER_NO_SUCH_TABLE';
      this.once(
        missingTable ? 'no-table' : 'query',
        missingTable ? 'info' : 'warn',
        { err },
        missingTable
          ? "sla_vigil email templates: the host has no email templates table; the module's own templates are used"
          : "sla_vigil email templates: reading Perfex's email templates failed; the module's own templates are used",
      );
      return templates;
    }
    for (const row of rows) {
      const { slug, language, subject, message } = row;
      if (
        typeof slug !== 'string' ||
        typeof language !== 'string' ||
        typeof subject !== 'string' ||
        typeof message !== 'string'
      ) {
        this.once(
          'shape',
          'warn',
          { columns: Object.keys(row) },
          "sla_vigil email templates: Perfex's email template rows have no language, subject or message column as expected; the module's own templates are used",
        );
        continue;
      }
      const template = { subject, message };
      // An emptied subject or body is no template to send; nor is one the admin never edited.
      if (!subject.trim() || !message.trim()) continue;
      if (isPerfexTemplateDefault(slug as EmailTemplateSlug, template)) continue;
      // A language the module has no locale for reaches no recipient (they get English): skipped,
      // so a French row never stands in for the English one.
      const code = knownLanguageCode(language);
      if (code) templates.set(key(slug, code), template);
    }
    return templates;
  }

  private once(cause: string, level: 'info' | 'warn', fields: object, message: string): void {
    if (this.logged.has(cause)) return;
    this.logged.add(cause);
    this.logger[level](fields, message);
  }
}

function key(slug: string, language: string): string {
  return `${slug}\u0000${language}`;
}
