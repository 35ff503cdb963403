import type { Knex } from 'knex';
import {
  SettingsSchema,
  type OnCallRotaConfig,
  type StaffScheduleConfig,
  type CalendarConfig,
  type PolicyConfig,
  type SlaConfig,
  type SlaSettings,
} from '../sla/config/sla-config-schema';
import {
  SECRET_SET,
  isSecretMarker,
  type WebhookConfig,
  type WebhookFormat,
} from '../sla/config/webhook-config';
import { utcToSql } from './datetime';

export interface StoredPolicy extends PolicyConfig {
  id: number;
}
export interface StoredCalendar extends CalendarConfig {
  id: number;
}
export interface StoredRota extends OnCallRotaConfig {
  id: number;
}
export interface StoredConfig {
  calendars: StoredCalendar[];
  policies: StoredPolicy[];
  settings: SlaSettings;
  /** Working hours per staff member, by staff id. */
  staffSchedules: StaffScheduleConfig[];
  onCall: StoredRota[];
  /** Webhook endpoints; their secrets stay in the table (`secret` is always the marker here). */
  webhooks: WebhookConfig[];
  /** Bumped by every write, so caches in other processes notice. */
  version: number;
}

interface CalendarRow {
  id: number;
  key: string;
  name: string;
  timezone: string;
  week: string | null;
  holidays: string;
  holiday_country: string | null;
  holiday_region: string | null;
}
interface PolicyRow {
  id: number;
  key: string;
  name: string;
  active: number;
  position: number;
  match: string;
  subject: string;
  calendar_key: string | null;
  targets: string;
  pause_status_ids: string;
  escalations: string;
  internal_targets: string | null;
}

interface WebhookRow {
  key: string;
  name: string;
  url: string;
  format: string;
  allow_private_address: number | boolean;
}
interface ScheduleRow {
  staff_id: number;
  calendar_key: string | null;
  timezone: string | null;
}
interface RotaRow {
  id: number;
  key: string;
  name: string;
  department_id: number;
  fallback_staff_id: number;
  rotation: string;
}

const VERSION = 'config_version';

/** Calendars, policies and settings in the module's tables; callers validate with the zod schema first. */
export class ConfigRepository {
  constructor(
    private readonly db: Knex,
    private readonly prefix: string,
  ) {}

  private t(name: string): string {
    return `${this.prefix}sla_vigil_${name}`;
  }

  async load(trx?: Knex.Transaction): Promise<StoredConfig> {
    const db = trx ?? this.db;
    const [calendars, policies, settingRows, schedules, rotas, webhooks]: [
      CalendarRow[],
      PolicyRow[],
      { name: string; value: string }[],
      ScheduleRow[],
      RotaRow[],
      WebhookRow[],
    ] = await Promise.all([
      db(this.t('calendars')).orderBy('key'),
      db(this.t('policies')).orderBy([{ column: 'position' }, { column: 'key' }]),
      db(this.t('settings')),
      db(this.t('staff_schedules')).orderBy('staff_id'),
      db(this.t('on_call_rotas')).orderBy('key'),
      // Never the secret: it leaves the table only to sign a post (WebhookRepository).
      db(this.t('webhooks')).select('key', 'name', 'url', 'format', 'allow_private_address').orderBy('key'),
    ]);
    const settingsMap = Object.fromEntries(settingRows.map((r) => [r.name, JSON.parse(r.value) as unknown]));
    const { [VERSION]: version, ...settings } = settingsMap;
    return {
      calendars: calendars.map(toCalendar),
      policies: policies.map(toPolicy),
      settings: SettingsSchema.parse(settings),
      staffSchedules: schedules.map(toSchedule),
      onCall: rotas.map(toRota),
      webhooks: webhooks.map(toWebhook),
      version: typeof version === 'number' ? version : 0,
    };
  }

  async version(): Promise<number> {
    const row = await this.db(this.t('settings')).where('name', VERSION).first();
    return row ? Number(JSON.parse(row.value)) : 0;
  }

  async upsertCalendar(trx: Knex.Transaction, c: CalendarConfig, now: Date): Promise<number> {
    const row = {
      key: c.key,
      name: c.name,
      timezone: c.timezone,
      week: c.week === undefined ? null : JSON.stringify(c.week),
      holidays: JSON.stringify(c.holidays),
      holiday_country: c.holidayCountry ?? null,
      holiday_region: c.holidayRegion ?? null,
      updated_at: utcToSql(now),
    };
    await trx(this.t('calendars')).insert(row).onConflict('key').merge();
    return (await trx(this.t('calendars')).where('key', c.key).first()).id as number;
  }

  async upsertPolicy(trx: Knex.Transaction, p: PolicyConfig, now: Date): Promise<number> {
    const row = {
      key: p.key,
      name: p.name,
      active: p.active,
      position: p.position,
      match: JSON.stringify(p.match),
      subject: p.subject,
      calendar_key: p.calendar,
      targets: JSON.stringify(p.targets),
      pause_status_ids: JSON.stringify(p.pauseStatusIds),
      escalations: JSON.stringify(p.escalations),
      internal_targets: p.internalTargets ? JSON.stringify(p.internalTargets) : null,
      updated_at: utcToSql(now),
    };
    await trx(this.t('policies')).insert(row).onConflict('key').merge();
    return (await trx(this.t('policies')).where('key', p.key).first()).id as number;
  }

  /**
   * Creates or updates one endpoint. A marker instead of a secret keeps the stored secret; false
   * (nothing written) when there is none to keep, so the caller can name the field.
   */
  async upsertWebhook(trx: Knex.Transaction, w: WebhookConfig, now: Date): Promise<boolean> {
    const row = {
      key: w.key,
      name: w.name,
      url: w.url,
      format: w.format,
      allow_private_address: w.allowPrivateAddress,
      updated_at: utcToSql(now),
    };
    if (isSecretMarker(w.secret)) {
      const changed = await trx(this.t('webhooks')).where('key', w.key).update(row);
      return changed > 0 || (await trx(this.t('webhooks')).where('key', w.key).first('id')) !== undefined;
    }
    await trx(this.t('webhooks'))
      .insert({ ...row, secret: w.secret })
      .onConflict('key')
      .merge();
    return true;
  }

  async deleteWebhook(trx: Knex.Transaction, key: string): Promise<number> {
    return trx(this.t('webhooks')).where('key', key).delete();
  }

  /** Replaces one staff member's schedule. */
  async upsertSchedule(trx: Knex.Transaction, s: StaffScheduleConfig, now: Date): Promise<void> {
    await trx(this.t('staff_schedules'))
      .insert({
        staff_id: s.staffId,
        calendar_key: s.calendar,
        timezone: s.timezone ?? null,
        updated_at: utcToSql(now),
      })
      .onConflict('staff_id')
      .merge();
  }

  async deleteSchedule(trx: Knex.Transaction, staffId: number): Promise<number> {
    return trx(this.t('staff_schedules')).where('staff_id', staffId).delete();
  }

  async upsertRota(trx: Knex.Transaction, r: OnCallRotaConfig, now: Date): Promise<void> {
    await trx(this.t('on_call_rotas'))
      .insert({
        key: r.key,
        name: r.name,
        department_id: r.departmentId,
        fallback_staff_id: r.fallbackStaffId,
        rotation: JSON.stringify(r.rotation),
        updated_at: utcToSql(now),
      })
      .onConflict('key')
      .merge();
  }

  async deleteRota(trx: Knex.Transaction, key: string): Promise<number> {
    return trx(this.t('on_call_rotas')).where('key', key).delete();
  }

  async deletePolicy(trx: Knex.Transaction, key: string): Promise<number> {
    return trx(this.t('policies')).where('key', key).delete();
  }

  async deleteCalendar(trx: Knex.Transaction, key: string): Promise<number> {
    return trx(this.t('calendars')).where('key', key).delete();
  }

  async saveSettings(trx: Knex.Transaction, settings: SlaSettings): Promise<void> {
    for (const [name, value] of Object.entries(settings)) {
      await trx(this.t('settings'))
        .insert({ name, value: JSON.stringify(value) })
        .onConflict('name')
        .merge();
    }
  }

  async bumpVersion(trx: Knex.Transaction): Promise<void> {
    const current = await trx(this.t('settings')).where('name', VERSION).forUpdate().first();
    const next = current ? Number(JSON.parse(current.value)) + 1 : 1;
    await trx(this.t('settings'))
      .insert({ name: VERSION, value: JSON.stringify(next) })
      .onConflict('name')
      .merge();
  }
}

function toCalendar(r: CalendarRow): StoredCalendar {
  return {
    id: r.id,
    key: r.key,
    name: r.name,
    timezone: r.timezone,
    ...(r.week === null ? {} : { week: JSON.parse(r.week) as CalendarConfig['week'] }),
    holidays: JSON.parse(r.holidays) as string[],
    ...(r.holiday_country ? { holidayCountry: r.holiday_country } : {}),
    ...(r.holiday_region ? { holidayRegion: r.holiday_region } : {}),
  };
}

function toWebhook(r: WebhookRow): WebhookConfig {
  return {
    key: r.key,
    name: r.name,
    url: r.url,
    secret: SECRET_SET,
    format: r.format as WebhookFormat,
    allowPrivateAddress: Boolean(r.allow_private_address),
  };
}

function toPolicy(r: PolicyRow): StoredPolicy {
  return {
    id: r.id,
    key: r.key,
    name: r.name,
    active: Boolean(r.active),
    position: r.position,
    // Rows from before leads are ticket policies (the column's default says so too).
    subject: r.subject === 'lead' ? 'lead' : 'ticket',
    match: JSON.parse(r.match) as PolicyConfig['match'],
    calendar: r.calendar_key,
    targets: JSON.parse(r.targets) as PolicyConfig['targets'],
    pauseStatusIds: JSON.parse(r.pause_status_ids) as number[],
    escalations: JSON.parse(r.escalations) as PolicyConfig['escalations'],
    // Only policies with internal targets carry the field: the export of the others is unchanged.
    ...(r.internal_targets
      ? { internalTargets: JSON.parse(r.internal_targets) as NonNullable<PolicyConfig['internalTargets']> }
      : {}),
  };
}

function toSchedule(r: ScheduleRow): StaffScheduleConfig {
  return {
    staffId: Number(r.staff_id),
    calendar: r.calendar_key,
    ...(r.timezone ? { timezone: r.timezone } : {}),
  };
}

function toRota(r: RotaRow): StoredRota {
  return {
    id: r.id,
    key: r.key,
    name: r.name,
    departmentId: Number(r.department_id),
    fallbackStaffId: Number(r.fallback_staff_id),
    rotation: JSON.parse(r.rotation) as OnCallRotaConfig['rotation'],
  };
}

/** The exported document: stored config without ids and bookkeeping. */
export function toDocument(config: StoredConfig): SlaConfig {
  return {
    calendars: config.calendars.map(({ id: _id, ...c }) => c),
    policies: config.policies.map(({ id: _id, ...p }) => p),
    settings: config.settings,
    staffSchedules: config.staffSchedules,
    onCall: config.onCall.map(({ id: _id, ...r }) => r),
    webhooks: config.webhooks.map((w) => ({ ...w })),
  };
}
