import type { i18n } from 'i18next';
import type { Logger } from 'pino';
import type { EmailTemplateSource, HostStaff, PermissionRegistry } from '../host/host-context';
import { languageCode } from '../host/perfex/perfex-languages';
import type { DigestSettings } from '../sla/config';
import { duePeriod, type DigestKind } from '../sla/digest/digest-schedule';
import type { DigestContent, WeeklyContent } from './digest-content';
import { renderDailyDigest, renderWeeklyDigest } from './digest-email';
import type { RenderedEmail } from './escalation-email';
import type { DigestPeriods } from './digest-periods';

/** One digest email for the outbox; `dedupeKey` makes a second write of it a no-op. */
export interface DigestMail extends RenderedEmail {
  dedupeKey: string;
  recipientStaffId: number;
  recipientEmail: string;
  language: string;
  createdAt: Date;
}

/** Where digest emails go: the outbox, insert-ignore on the dedupe key. */
export interface DigestOutbox {
  /** Writes the rows whose dedupe key is new; returns how many it wrote. */
  insertDigests(rows: readonly DigestMail[]): Promise<number>;
}

/** What one scheduled run wrote: the period and how many digests (recipients). */
export interface DigestRun {
  kind: DigestKind;
  period: string;
  sent: number;
}

export interface DigestServiceDeps {
  content: DigestContent;
  periods: DigestPeriods;
  outbox: DigestOutbox;
  /** The stored digest settings (the cached policy book's, so a tick costs no configuration read). */
  settings: () => Promise<DigestSettings>;
  staff: () => Promise<HostStaff[]>;
  permissions: Pick<PermissionRegistry, 'can'>;
  feature: string;
  translator: i18n;
  /** The host's edited email templates (Perfex: Setup > Email Templates); the module's own otherwise. */
  templates?: EmailTemplateSource;
  /** The host's zone: schedules run and times are shown in it. */
  zone: string;
  logger: Logger;
}

/** A staff member a digest can reach: active, with an email address. */
function reachable(s: HostStaff): boolean {
  return s.active && s.email.trim() !== '';
}

function recipientOf(s: HostStaff) {
  return { name: `${s.firstname} ${s.lastname}`.trim(), language: languageCode(s.defaultLanguage) };
}

/**
 * The digests: on each scan tick, whether a schedule's period is due and not done (one comparison
 * in memory once this process has seen it done); then, for the one worker that claims the period,
 * who gets what, rendered in each recipient's language and written to the outbox with a key per
 * period and recipient, so even two workers that both got this far write each mail once.
 */
export class DigestService {
  /** The last period this process saw finished, per kind: the cheap "nothing due" answer. */
  private readonly lastDone = new Map<DigestKind, string>();

  constructor(private readonly deps: DigestServiceDeps) {}

  /** Runs the scheduled digests due at `now`; errors are logged, never thrown into the scan. */
  async runDue(now: Date): Promise<DigestRun[]> {
    const runs: DigestRun[] = [];
    let settings: DigestSettings;
    try {
      settings = await this.deps.settings();
    } catch (err) {
      this.deps.logger.warn({ err }, 'sla_vigil digests: could not read the settings');
      return runs;
    }
    for (const kind of ['daily', 'weekly'] as const) {
      const schedule = settings[kind];
      if (!schedule.enabled) continue;
      let due: ReturnType<typeof duePeriod>;
      try {
        due = duePeriod(kind, schedule.schedule, this.deps.zone, now);
      } catch (err) {
        // The schema validated it; a zone the parser cannot use must still not stop the scan.
        this.deps.logger.warn({ err, kind }, 'sla_vigil digests: the schedule cannot be evaluated');
        continue;
      }
      if (!due || this.lastDone.get(kind) === due.period) continue;
      try {
        const claim = await this.deps.periods.claim(kind, due.period, now);
        if (claim === 'done') this.lastDone.set(kind, due.period);
        if (claim !== 'claimed') continue;
        const sent =
          kind === 'daily'
            ? await this.writeDaily(now, `digest:daily:${due.period}`)
            : await this.writeWeekly(
                due.firing,
                now,
                `digest:weekly:${due.period}`,
                settings.weekly.extraStaffIds,
              );
        await this.deps.periods.finish(kind, due.period, sent, now);
        this.lastDone.set(kind, due.period);
        runs.push({ kind, period: due.period, sent });
        this.deps.logger.info({ kind, period: due.period, sent }, 'sla_vigil digests written');
      } catch (err) {
        // The claim stays unfinished: after its lease a later tick (any worker) tries again.
        this.deps.logger.error({ err, kind, period: due.period }, 'sla_vigil digests failed');
      }
    }
    return runs;
  }

  /**
   * "Send now": the chosen staff members get the digest at once, under keys of their own, so the
   * scheduled digest of the period still goes out. A daily digest with no items still goes to
   * someone chosen by name (it says there is nothing), unlike the scheduled one. `requestKey`
   * (the form's own key) makes a repeated request a no-op: each recipient's key is taken once.
   */
  async sendNow(
    kind: DigestKind,
    staffIds: readonly number[],
    now: Date,
    requestKey: string = String(now.getTime()),
  ): Promise<number> {
    const staff = (await this.deps.staff()).filter((s) => staffIds.includes(s.id) && reachable(s));
    const prefix = `digest:manual:${requestKey}:${kind}`;
    if (kind === 'weekly') return this.writeWeekly(now, now, prefix, [], staff);
    const items = await this.deps.content.daily(
      now,
      this.deps.zone,
      staff.map((s) => s.id),
    );
    const mails = await Promise.all(
      staff.map(async (s) =>
        this.mail(s, `${prefix}:${s.id}`, now, await this.renderDaily(items.get(s.id) ?? [], s, now)),
      ),
    );
    return this.deps.outbox.insertDigests(mails);
  }

  /** The email a staff member would get now (the Digests page's preview); nothing is written. */
  async preview(kind: DigestKind, staff: HostStaff, now: Date): Promise<RenderedEmail> {
    if (kind === 'weekly') {
      const content = await this.deps.content.weekly(now, now, this.deps.zone, await this.deps.staff());
      return this.renderWeekly(content, staff, now);
    }
    const items = await this.deps.content.daily(now, this.deps.zone, [staff.id]);
    return this.renderDaily(items.get(staff.id) ?? [], staff, now);
  }

  /** Staff members with View who have items get their daily digest; nobody gets an empty one. */
  private async writeDaily(now: Date, keyPrefix: string): Promise<number> {
    const items = await this.deps.content.daily(now, this.deps.zone);
    if (items.size === 0) return 0;
    const staff = (await this.deps.staff()).filter((s) => items.has(s.id) && reachable(s));
    const mails: DigestMail[] = [];
    for (const s of staff) {
      // Asked of the host per person with items (a few), as every page asks it.
      if (!(await this.deps.permissions.can(s.id, this.deps.feature, 'view'))) continue;
      const rendered = await this.renderDaily(items.get(s.id) ?? [], s, now);
      mails.push(this.mail(s, `${keyPrefix}:${s.id}`, now, rendered));
    }
    return this.deps.outbox.insertDigests(mails);
  }

  /**
   * The weekly digest goes to the staff with Manage (those who set the SLAs up and answer for
   * them; host administrators included, as the host lets them manage everything) and to the
   * extra staff ids of the settings.
   */
  private async writeWeekly(
    firing: Date,
    now: Date,
    keyPrefix: string,
    extraStaffIds: readonly number[],
    chosen?: readonly HostStaff[],
  ): Promise<number> {
    const all = await this.deps.staff();
    let recipients: HostStaff[];
    if (chosen) recipients = [...chosen];
    else {
      recipients = [];
      for (const s of all.filter(reachable)) {
        if (
          extraStaffIds.includes(s.id) ||
          (await this.deps.permissions.can(s.id, this.deps.feature, 'manage'))
        )
          recipients.push(s);
      }
    }
    if (recipients.length === 0) return 0;
    const content: WeeklyContent = await this.deps.content.weekly(firing, now, this.deps.zone, all);
    const mails = await Promise.all(
      recipients.map(async (s) =>
        this.mail(s, `${keyPrefix}:${s.id}`, now, await this.renderWeekly(content, s, now)),
      ),
    );
    return this.deps.outbox.insertDigests(mails);
  }

  private renderDaily(items: Parameters<typeof renderDailyDigest>[0], s: HostStaff, now: Date) {
    const { zone, translator, templates } = this.deps;
    return renderDailyDigest(items, recipientOf(s), zone, now, translator, templates);
  }

  private renderWeekly(content: WeeklyContent, s: HostStaff, now: Date) {
    const { zone, translator, templates } = this.deps;
    return renderWeeklyDigest(content, recipientOf(s), zone, now, translator, templates);
  }

  private mail(s: HostStaff, dedupeKey: string, now: Date, rendered: RenderedEmail): DigestMail {
    return {
      ...rendered,
      dedupeKey,
      recipientStaffId: s.id,
      recipientEmail: s.email,
      language: languageCode(s.defaultLanguage),
      createdAt: now,
    };
  }
}
