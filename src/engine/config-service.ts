import type { Knex } from 'knex';
import type { Clock } from '../host/host-context';
import {
  ConfigError,
  formatIssues,
  parseSlaConfig,
  SettingsSchema,
  SlaConfigSchema,
  type CalendarConfig,
  type OnCallRotaConfig,
  type PolicyConfig,
  type StaffScheduleConfig,
  type SlaConfig,
  type SlaSettings,
  type WebhookConfig,
  SECRET_SET,
} from '../sla/config';
import { auditedWebhook } from './webhook-audit';
import { ConfigRepository, toDocument, type StoredConfig } from '../store/config-repository';
import type { AuditLog } from '../store/audit-log';
import { PolicyBook, type BookPolicy } from '../sla/policy/policy-book';
import {
  impactOf,
  type LadderImpact,
  type PassedLevel,
  type PassedLevelChoice,
} from '../sla/escalation/passed-levels';
import type { PassedLevelFinder } from './passed-level-finder';
import { PERFEX_STATUS_LIFECYCLE } from '../host/perfex/perfex-statuses';

/** How a save treats escalation levels that have already passed on open tickets. */
export interface SaveOptions {
  /** `fire` (default): the next scan fires them at once; `skip`: recorded as skipped, never fired. */
  passedLevels?: PassedLevelChoice;
}

/**
 * Reads and writes the configuration document. Every write validates the document it would
 * produce as a whole (keys, calendar references, calendar contents) and applies it in one
 * transaction, so an invalid import changes nothing.
 */
export class ConfigService {
  private readonly repo: ConfigRepository;

  constructor(
    private readonly db: Knex,
    prefix: string,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    /** Finds (and skips) levels a save puts in the past; without it every such level fires. */
    private readonly passed?: PassedLevelFinder,
  ) {
    this.repo = new ConfigRepository(db, prefix);
  }

  load(): Promise<StoredConfig> {
    return this.repo.load();
  }

  version(): Promise<number> {
    return this.repo.version();
  }

  async export(): Promise<SlaConfig> {
    return toDocument(await this.repo.load());
  }

  /**
   * Applies a whole document keyed by `key`: calendars and policies in it are created or
   * updated in place; ones it does not mention are kept (deactivate a policy to retire it).
   */
  async import(
    input: unknown,
    staffId: number | null = null,
    options: SaveOptions = {},
  ): Promise<{ calendars: number; policies: number; skippedLevels?: number }> {
    // Calendars and rotas the database already has may be named by the document's policies and
    // schedules; the merged result is checked again inside the transaction.
    const stored = await this.repo.load();
    const doc = parseSlaConfig(
      input,
      new Set(stored.calendars.map((c) => c.key)),
      new Set(stored.onCall.map((r) => r.key)),
      new Set(stored.webhooks.map((w) => w.key)),
    );
    // A document without settings leaves the stored settings alone (the schema fills defaults).
    const hasSettings = typeof input === 'object' && input !== null && 'settings' in input;
    return this.db.transaction(async (trx) => {
      // First, so concurrent configuration writes queue up behind each other.
      await this.repo.bumpVersion(trx);
      const current = toDocument(await this.repo.load(trx));
      // Check the merged result too: a policy may name a calendar that only the database has.
      parseSlaConfig(mergeByKey(current, doc));
      const now = this.clock.now();
      for (const calendar of doc.calendars) await this.repo.upsertCalendar(trx, calendar, now);
      for (const policy of doc.policies) await this.repo.upsertPolicy(trx, policy, now);
      for (const schedule of doc.staffSchedules ?? []) await this.repo.upsertSchedule(trx, schedule, now);
      for (const rota of doc.onCall ?? []) await this.repo.upsertRota(trx, rota, now);
      await this.upsertWebhooks(trx, doc.webhooks ?? [], now);
      if (hasSettings) await this.repo.saveSettings(trx, doc.settings);
      const skipped =
        options.passedLevels === 'skip'
          ? await this.skipPassed(
              trx,
              doc.policies.map((p) => p.key),
              staffId,
              now,
            )
          : undefined;
      await this.audit.write(
        {
          action: 'config.import',
          staffId,
          details: {
            calendars: doc.calendars.length,
            policies: doc.policies.length,
            ...passedDetails(options, skipped),
            ...importChanges(current, doc, hasSettings),
          },
        },
        trx,
      );
      const counts = { calendars: doc.calendars.length, policies: doc.policies.length };
      return skipped === undefined ? counts : { ...counts, skippedLevels: skipped };
    });
  }

  /**
   * Moves a policy one place up or down in its kind's evaluation order and renumbers all positions
   * 0..n-1 (ties become a strict order), in one transaction. False when there is no such policy.
   */
  async movePolicy(key: string, direction: 'up' | 'down', staffId: number | null): Promise<boolean> {
    return this.db.transaction(async (trx) => {
      await this.repo.bumpVersion(trx);
      const { policies } = toDocument(await this.repo.load(trx));
      const from = policies.findIndex((p) => p.key === key);
      if (from === -1) return false;
      // Policies compete only with their own kind: a move passes over policies of the other kind.
      const step = direction === 'up' ? -1 : 1;
      let to = from + step;
      while (policies[to] && policies[to].subject !== policies[from].subject) to += step;
      if (to < 0 || to >= policies.length) return true;
      const before = policies.map((p) => p.key);
      [policies[from], policies[to]] = [policies[to], policies[from]];
      const now = this.clock.now();
      for (const [position, policy] of policies.entries()) {
        if (policy.position !== position) await this.repo.upsertPolicy(trx, { ...policy, position }, now);
      }
      await this.audit.write(
        {
          action: 'config.move_policy',
          staffId,
          details: {
            key,
            direction,
            before: { order: before },
            after: { order: policies.map((p) => p.key) },
          },
        },
        trx,
      );
      return true;
    });
  }

  /** Creates or updates one on-call rota; the whole resulting document is validated. */
  saveRota(input: unknown, staffId: number | null): Promise<OnCallRotaConfig> {
    return this.saveOne('onCall', input, staffId) as Promise<OnCallRotaConfig>;
  }

  /**
   * Sets (or, with `schedule` null, removes) one staff member's working hours; the whole
   * resulting document is validated (issue paths relative to the schedule).
   */
  async saveSchedule(
    forStaffId: number,
    schedule: Omit<StaffScheduleConfig, 'staffId'> | null,
    staffId: number | null,
  ): Promise<StaffScheduleConfig | null> {
    return this.db.transaction(async (trx) => {
      await this.repo.bumpVersion(trx);
      const current = toDocument(await this.repo.load(trx));
      const others = (current.staffSchedules ?? []).filter((s) => s.staffId !== forStaffId);
      const before = (current.staffSchedules ?? []).find((s) => s.staffId === forStaffId) ?? null;
      const item = schedule === null ? null : { staffId: forStaffId, ...schedule };
      const result = SlaConfigSchema.safeParse({
        ...current,
        staffSchedules: [...others, ...(item ? [item] : [])],
      });
      if (!result.success) {
        const prefix = `staffSchedules[${others.length}]`;
        throw new ConfigError(
          formatIssues(result.error).map((i) => ({
            path: i.path.startsWith(prefix) ? i.path.slice(prefix.length).replace(/^\./, '') : i.path,
            message: i.message,
          })),
        );
      }
      const saved = item === null ? null : (result.data.staffSchedules ?? [])[others.length];
      const now = this.clock.now();
      if (saved) await this.repo.upsertSchedule(trx, saved, now);
      else await this.repo.deleteSchedule(trx, forStaffId);
      await this.audit.write(
        {
          action: 'config.save_schedule',
          staffId,
          details: { staffId: forStaffId, before, after: saved },
        },
        trx,
      );
      return saved;
    });
  }

  deleteRota(key: string, staffId: number | null): Promise<boolean> {
    return this.deleteOne('onCall', key, staffId);
  }

  /** Writes each endpoint; a secret marker for a key with no stored secret names the field. */
  private async upsertWebhooks(trx: Knex.Transaction, webhooks: readonly WebhookConfig[], now: Date) {
    for (const [i, webhook] of webhooks.entries()) {
      if (!(await this.repo.upsertWebhook(trx, webhook, now)))
        throw new ConfigError([
          {
            path: `webhooks[${i}].secret`,
            message: `no secret is stored for webhook "${webhook.key}": give the secret itself`,
          },
        ]);
    }
  }

  /**
   * Creates or updates one webhook endpoint. `secret` may be the marker `{ set: true }` to keep the
   * stored one (the settings form's empty secret field); a new endpoint needs the secret itself.
   */
  async saveWebhook(input: unknown, staffId: number | null): Promise<WebhookConfig> {
    return this.db.transaction(async (trx) => {
      await this.repo.bumpVersion(trx);
      const current = toDocument(await this.repo.load(trx));
      const { item, index } = placeItem('webhooks', input, current);
      const webhook = item as WebhookConfig;
      if (!(await this.repo.upsertWebhook(trx, webhook, this.clock.now())))
        throw new ConfigError([{ path: 'secret', message: 'a new webhook needs its secret' }]);
      await this.audit.write(
        {
          action: 'config.save_webhook',
          staffId,
          details: {
            key: webhook.key,
            before: current.webhooks?.[index] ?? null,
            after: auditedWebhook(webhook),
          },
        },
        trx,
      );
      return { ...webhook, secret: SECRET_SET };
    });
  }

  /** Deletes an endpoint no policy uses; false when there is none with this key. */
  deleteWebhook(key: string, staffId: number | null): Promise<boolean> {
    return this.deleteOne('webhooks', key, staffId);
  }

  /** Creates or updates one calendar; the whole resulting document is validated. */
  saveCalendar(input: unknown, staffId: number | null): Promise<CalendarConfig> {
    return this.saveOne('calendars', input, staffId) as Promise<CalendarConfig>;
  }

  /**
   * Creates or updates one policy; the whole resulting document is validated. With
   * `passedLevels: 'skip'`, levels that have already passed on open tickets are recorded as
   * skipped and never fire; otherwise (`fire`, the default) the next scan fires them.
   */
  savePolicy(input: unknown, staffId: number | null, options: SaveOptions = {}): Promise<PolicyConfig> {
    return this.saveOne('policies', input, staffId, options) as Promise<PolicyConfig>;
  }

  /**
   * What saving this policy would make the next scan do at once: its levels that have already
   * passed on open tickets with running clocks and never fired. Validates like a save (throws
   * ConfigError); writes nothing.
   */
  async previewPolicy(input: unknown, now: Date): Promise<LadderImpact> {
    const stored = await this.repo.load();
    const { item } = placeItem('policies', input, toDocument(stored));
    return impactOf(await this.passedUnder(stored, [], [item as PolicyConfig], now));
  }

  /** The same for a whole document (`config import`, `PUT /api/config`). */
  async previewImport(input: unknown, now: Date): Promise<LadderImpact> {
    const stored = await this.repo.load();
    const doc = parseSlaConfig(
      input,
      new Set(stored.calendars.map((c) => c.key)),
      new Set(stored.onCall.map((r) => r.key)),
      new Set(stored.webhooks.map((w) => w.key)),
    );
    return impactOf(await this.passedUnder(stored, doc.calendars, doc.policies, now));
  }

  /** Passed, unfired levels of `policies` in the configuration they would make with the stored one. */
  private async passedUnder(
    stored: StoredConfig,
    calendars: readonly CalendarConfig[],
    policies: readonly PolicyConfig[],
    now: Date,
  ): Promise<PassedLevel[]> {
    if (!this.passed) return [];
    const ids = new Map(stored.policies.map((p) => [p.key, p.id]));
    // A policy not saved yet gets an id no stored one has: nothing fired under it.
    let unsaved = 0;
    const changed: BookPolicy[] = policies.map((p) => ({ ...p, id: ids.get(p.key) ?? --unsaved }));
    const book = new PolicyBook(
      mergeItems(stored.policies, changed),
      mergeItems(stored.calendars, calendars),
      stored.settings,
      stored.version,
      PERFEX_STATUS_LIFECYCLE,
    );
    return this.passed.find(book, new Set(changed.map((p) => p.id)), now);
  }

  /** Records the passed levels of these just-saved policies as skipped, in the save's transaction. */
  private async skipPassed(
    trx: Knex.Transaction,
    keys: readonly string[],
    staffId: number | null,
    now: Date,
  ): Promise<number> {
    if (!this.passed) throw new Error('skipping passed levels needs the passed-level finder');
    const stored = await this.repo.load(trx);
    const book = new PolicyBook(
      stored.policies,
      stored.calendars,
      stored.settings,
      stored.version,
      PERFEX_STATUS_LIFECYCLE,
    );
    const ids = new Set(stored.policies.filter((p) => keys.includes(p.key)).map((p) => p.id));
    return this.passed.skip(await this.passed.find(book, ids, now, trx), book, staffId, now, trx);
  }

  private async saveOne(
    list: ItemList,
    input: unknown,
    staffId: number | null,
    options: SaveOptions = {},
  ): Promise<CalendarConfig | PolicyConfig | OnCallRotaConfig> {
    return this.db.transaction(async (trx) => {
      await this.repo.bumpVersion(trx);
      const current = toDocument(await this.repo.load(trx));
      const placed = placeItem(list, input, current);
      const index = placed.index;
      // Webhooks have a save of their own (saveWebhook: write-only secrets).
      const item = placed.item as CalendarConfig | PolicyConfig | OnCallRotaConfig;
      const items = (current[list] ?? []) as { key: string }[];
      const now = this.clock.now();
      if (list === 'calendars') await this.repo.upsertCalendar(trx, item as CalendarConfig, now);
      else if (list === 'onCall') await this.repo.upsertRota(trx, item as OnCallRotaConfig, now);
      else await this.repo.upsertPolicy(trx, item as PolicyConfig, now);
      const skipped =
        list === 'policies' && options.passedLevels === 'skip'
          ? await this.skipPassed(trx, [item.key], staffId, now)
          : undefined;
      await this.audit.write(
        {
          action: `config.save_${SINGULAR[list]}`,
          staffId,
          details: {
            key: item.key,
            ...passedDetails(options, skipped),
            before: items[index] ?? null,
            after: item,
          },
        },
        trx,
      );
      return item;
    });
  }

  /** Replaces the general settings (cooldown, default warning, default pause statuses, scan interval). */
  async saveSettings(input: unknown, staffId: number | null): Promise<SlaSettings> {
    const stored = (await this.repo.load()).settings;
    // The digests have a page of their own: a general form that leaves them out keeps them.
    const merged =
      typeof input === 'object' && input !== null && !Array.isArray(input) && !('digests' in input)
        ? { ...input, digests: stored.digests }
        : input;
    const result = SettingsSchema.safeParse(merged);
    if (!result.success) throw new ConfigError(formatIssues(result.error));
    const settings = result.data;
    await this.db.transaction(async (trx) => {
      await this.repo.bumpVersion(trx);
      const before = (await this.repo.load(trx)).settings;
      await this.repo.saveSettings(trx, settings);
      await this.audit.write(
        { action: 'config.save_settings', staffId, details: { ...settings, before, after: settings } },
        trx,
      );
    });
    return settings;
  }

  /** Replaces the digest schedules only (the Digests page), validated as part of the settings. */
  async saveDigestSettings(digests: unknown, staffId: number | null): Promise<SlaSettings> {
    const { settings } = await this.repo.load();
    return this.saveSettings({ ...settings, digests }, staffId);
  }

  deletePolicy(key: string, staffId: number | null): Promise<boolean> {
    return this.deleteOne('policies', key, staffId);
  }

  deleteCalendar(key: string, staffId: number | null): Promise<boolean> {
    return this.deleteOne('calendars', key, staffId);
  }

  /** Deletes by key; false (and no version bump) when there is nothing to delete. */
  private async deleteOne(list: ItemList, key: string, staffId: number | null): Promise<boolean> {
    try {
      await this.db.transaction(async (trx) => {
        await this.repo.bumpVersion(trx);
        const current = toDocument(await this.repo.load(trx));
        const before = ((current[list] ?? []) as { key: string }[]).find((x) => x.key === key) ?? null;
        if (list === 'calendars') {
          const users = current.policies.filter((p) => p.calendar === key).map((p) => p.key);
          if (users.length) {
            throw new ConfigError([
              { path: 'key', message: `calendar "${key}" is used by policies ${users.join(', ')}` },
            ]);
          }
          const staff = (current.staffSchedules ?? [])
            .filter((s) => s.calendar === key)
            .map((s) => s.staffId);
          if (staff.length) {
            throw new ConfigError([
              { path: 'key', message: `calendar "${key}" is the working hours of staff ${staff.join(', ')}` },
            ]);
          }
        }
        if (list === 'onCall') {
          const users = current.policies
            .filter((p) => p.escalations.some((e) => e.action.rota === key))
            .map((p) => p.key);
          if (users.length) {
            throw new ConfigError([
              { path: 'key', message: `on-call rota "${key}" is used by policies ${users.join(', ')}` },
            ]);
          }
        }
        if (list === 'webhooks') {
          const users = current.policies
            .filter((p) => p.escalations.some((e) => e.action.type === 'webhook' && e.action.webhook === key))
            .map((p) => p.key);
          if (users.length) {
            throw new ConfigError([
              { path: 'key', message: `webhook "${key}" is used by policies ${users.join(', ')}` },
            ]);
          }
        }
        const deleted =
          list === 'calendars'
            ? await this.repo.deleteCalendar(trx, key)
            : list === 'onCall'
              ? await this.repo.deleteRota(trx, key)
              : list === 'webhooks'
                ? await this.repo.deleteWebhook(trx, key)
                : await this.repo.deletePolicy(trx, key);
        // Rolls the version bump back: nothing changed.
        if (deleted === 0) throw new NothingToDelete();
        const action = `config.delete_${SINGULAR[list]}`;
        await this.audit.write({ action, staffId, details: { key, before, after: null } }, trx);
      });
      return true;
    } catch (err) {
      if (err instanceof NothingToDelete) return false;
      throw err;
    }
  }
}

class NothingToDelete extends Error {}

/** The keyed lists of the document a single save or delete works on. */
type ItemList = 'calendars' | 'policies' | 'onCall' | 'webhooks';
const SINGULAR: Record<ItemList, string> = {
  calendars: 'calendar',
  policies: 'policy',
  onCall: 'rota',
  webhooks: 'webhook',
};

/**
 * Validates one calendar or policy as part of the whole document it would make (in its own
 * place, or last when new); issue paths are relative to the item.
 */
function placeItem(
  list: ItemList,
  input: unknown,
  current: SlaConfig,
): { item: CalendarConfig | PolicyConfig | OnCallRotaConfig | WebhookConfig; index: number } {
  const key = typeof input === 'object' && input !== null ? (input as { key?: unknown }).key : undefined;
  if (typeof key !== 'string') throw new ConfigError([{ path: 'key', message: 'key is required' }]);
  const items = (current[list] ?? []) as { key: string }[];
  const index = items.findIndex((x) => x.key === key);
  const position = index === -1 ? items.length : index;
  const next = { ...current, [list]: [...items.slice(0, position), input, ...items.slice(position + 1)] };
  const result = SlaConfigSchema.safeParse(next);
  if (!result.success) {
    // Report paths relative to the one item being saved; other items were valid already.
    const prefix = `${list}[${position}]`;
    const all = formatIssues(result.error);
    const own = all.filter((i) => i.path.startsWith(prefix));
    const issues = own.length ? own : all;
    throw new ConfigError(
      issues.map((i) => ({
        path: i.path.slice(prefix.length).replace(/^\./, '') || '(item)',
        message: i.message,
      })),
    );
  }
  return { item: (result.data[list] ?? [])[position], index };
}

/** The manager's choice about passed levels, and how many were skipped, for the audit row. */
function passedDetails(options: SaveOptions, skipped: number | undefined): Record<string, unknown> {
  if (!options.passedLevels) return {};
  return skipped === undefined
    ? { passedLevels: options.passedLevels }
    : { passedLevels: options.passedLevels, skippedLevels: skipped };
}

/**
 * The calendars, policies and settings an import changed, before and after, keyed by `key`
 * (unchanged ones are left out: the audit row says what changed, not what was sent again).
 */
function importChanges(
  current: SlaConfig,
  doc: SlaConfig,
  hasSettings: boolean,
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const before: Record<string, Record<string, unknown>> = { calendars: {}, policies: {} };
  const after: Record<string, Record<string, unknown>> = { calendars: {}, policies: {} };
  for (const list of ['calendars', 'policies', 'onCall'] as const) {
    for (const item of doc[list] ?? []) {
      const old = ((current[list] ?? []) as { key: string }[]).find((x) => x.key === item.key) ?? null;
      before[list] ??= {};
      after[list] ??= {};
      if (sameJson(old, item)) continue;
      before[list][item.key] = old;
      after[list][item.key] = item;
    }
  }
  for (const schedule of doc.staffSchedules ?? []) {
    const old = (current.staffSchedules ?? []).find((x) => x.staffId === schedule.staffId) ?? null;
    if (sameJson(old, schedule)) continue;
    (before.staffSchedules ??= {})[schedule.staffId] = old;
    (after.staffSchedules ??= {})[schedule.staffId] = schedule;
  }
  // Webhooks as the audit may keep them: a secret given is recorded as replaced, never itself.
  for (const item of doc.webhooks ?? []) {
    const old = (current.webhooks ?? []).find((x) => x.key === item.key) ?? null;
    const audited = auditedWebhook(item);
    if (sameJson(old, audited)) continue;
    (before.webhooks ??= {})[item.key] = old;
    (after.webhooks ??= {})[item.key] = audited;
  }
  if (hasSettings && !sameJson(current.settings, doc.settings)) {
    before.settings = current.settings;
    after.settings = doc.settings;
  }
  return { before, after };
}

/** Equal as JSON whatever the key order (stored documents and parsed ones may order keys differently). */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
              .map(([k, x]) => [k, canonical(x)]),
          )
        : v;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** `incoming` replaces the items of `current` with the same key; new ones go last. */
function mergeItems<T extends { key: string }>(current: readonly T[], incoming: readonly T[]): T[] {
  const byKey = new Map(current.map((x) => [x.key, x]));
  for (const x of incoming) byKey.set(x.key, x);
  return [...byKey.values()];
}

function mergeByKey(current: SlaConfig, incoming: SlaConfig): SlaConfig {
  const schedules = new Map((current.staffSchedules ?? []).map((s) => [s.staffId, s]));
  for (const s of incoming.staffSchedules ?? []) schedules.set(s.staffId, s);
  return {
    calendars: mergeItems(current.calendars, incoming.calendars),
    policies: mergeItems(current.policies, incoming.policies),
    settings: incoming.settings,
    staffSchedules: [...schedules.values()],
    onCall: mergeItems(current.onCall ?? [], incoming.onCall ?? []),
    webhooks: mergeItems(current.webhooks ?? [], incoming.webhooks ?? []),
  };
}
