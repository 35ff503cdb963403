import { z } from 'zod';
import { neverOpens, validateCalendar, type NeverOpen } from '../calendar';
import { CalendarError } from '../calendar/calendar-error';
import { regionsOf } from '../calendar/holidays-import';
import { idNumber, MAX_ID, storableText } from '../strict-input';
import { MATCH_FIELDS_OF, SUBJECT_TYPES, TICKET_ONLY_ACTIONS } from './subject-types';
import { cronProblem } from '../digest/digest-schedule';
import { configKey } from './config-key';
import { WebhookConfigSchema } from './webhook-config';
import { checkSchedules, OnCallRotaSchema, StaffScheduleSchema } from './on-call-schema';

/** The ticket metrics with one target each (first response, next response, resolution). */
export const METRICS = ['first_response', 'next_response', 'resolution'] as const;
export type Metric = (typeof METRICS)[number];
/** Time allowed in a status: one window per status id (`targets.status_time.byStatus`). */
export const STATUS_TIME = 'status_time';
/** Every metric a clock can have: the targeted ones, then the status windows. */
export const CLOCK_METRICS = [...METRICS, STATUS_TIME] as const;
export type ClockMetric = (typeof CLOCK_METRICS)[number];
/** When an escalation fires, relative to a clock's due time. */
export const ESCALATION_TRIGGERS = ['before_due', 'at_due', 'after_due'] as const;
/** What an escalation does when it fires. */
export const ESCALATION_ACTIONS = [
  'notify_assignee',
  'notify_staff',
  'notify_department',
  'reassign_staff',
  'reassign_department',
  'raise_priority',
  'webhook',
  'notify_on_call',
] as const;
/** When a notify level's messages go out: at once, or held to each recipient's working hours. */
export const DELIVERY_MODES = ['now', 'working_hours'] as const;

/** Whose promise a clock or level is about: the customer's SLA (default) or a team's internal target. */
export const CLOCK_SCOPES = ['customer', 'internal'] as const;
export type ClockScope = (typeof CLOCK_SCOPES)[number];

/** Perfex's Answered and On Hold: where a ticket waits on someone else. */
const DEFAULT_TICKET_PAUSE_STATUS_IDS = [3, 4] as const;

const key = configKey;
const ids = z.array(idNumber).min(1, 'list at least one id, or leave the criterion out');

/** A name a person typed: trimmed, 1-191 characters, nothing a database or a terminal would mangle. */
const name = storableText.trim().min(1).max(191);

const CalendarConfigSchema = z
  .strictObject({
    key,
    name,
    timezone: z.string(),
    week: z.record(z.string(), z.array(z.tuple([z.string(), z.string()]))).optional(),
    holidays: z.array(z.string()).default([]),
    holidayCountry: z
      .string()
      .regex(/^[A-Z]{2}$/, 'ISO country code, e.g. DE')
      .optional(),
    holidayRegion: z.string().min(1).max(16).optional(),
  })
  .superRefine((c, ctx) => {
    // A region is only meaningful as a state of the chosen country, as the holiday data knows it.
    if (c.holidayRegion === undefined) return;
    if (c.holidayCountry === undefined) {
      ctx.addIssue({ code: 'custom', path: ['holidayRegion'], message: 'a region needs holidayCountry' });
    } else if (!regionsOf(c.holidayCountry).has(c.holidayRegion.toUpperCase())) {
      ctx.addIssue({
        code: 'custom',
        path: ['holidayRegion'],
        message: `unknown region ${JSON.stringify(c.holidayRegion)} of ${c.holidayCountry}`,
      });
    }
  });

const TargetSchema = z
  .strictObject({
    minutes: z.number().positive().max(525_600, 'at most a year of business minutes'),
    warnAtPercent: z.number().gt(0).lt(100).optional(),
    warnBeforeMinutes: z.number().positive().optional(),
  })
  .refine((t) => !(t.warnAtPercent !== undefined && t.warnBeforeMinutes !== undefined), {
    message: 'give warnAtPercent or warnBeforeMinutes, not both',
  })
  .refine((t) => t.warnBeforeMinutes === undefined || t.warnBeforeMinutes < t.minutes, {
    message: 'warnBeforeMinutes must be less than minutes',
    path: ['warnBeforeMinutes'],
  });

/**
 * Windows per status: `{ "byStatus": { "2": { "minutes": 960 } } }`. Keys are the host's status
 * ids as JSON object keys (positive decimal integers); each window is a target with its warning.
 */
const StatusTimeSchema = z.strictObject({
  byStatus: z.record(
    z
      .string()
      .regex(/^[1-9][0-9]{0,9}$/, 'status ids are positive integers')
      .refine((k) => Number(k) <= MAX_ID, {
        message: `at most ${MAX_ID}`,
      }),
    TargetSchema,
  ),
});

const EscalationSchema = z
  .strictObject({
    metric: z.enum(CLOCK_METRICS),
    trigger: z.strictObject({
      type: z.enum(ESCALATION_TRIGGERS),
      minutes: z.number().positive().optional(),
    }),
    action: z.strictObject({
      type: z.enum(ESCALATION_ACTIONS),
      staffId: idNumber.optional(),
      departmentId: idNumber.optional(),
      priorityId: idNumber.optional(),
      /** The `webhook` action's endpoint (a key of the document's `webhooks`). */
      webhook: key.optional(),
      /** notify_on_call: the key of the on-call rota whose person on duty is notified. */
      rota: key.optional(),
    }),
    /**
     * Optional: `working_hours` holds each recipient's messages until their next working moment
     * (their staff schedule). Absent means `now`; not part of the level's key (how a level is
     * delivered is not what it is, and existing levels keep their keys).
     */
    deliver: z.enum(DELIVERY_MODES).optional(),
    /**
     * Optional condition on the ticket when the level's moment comes: `{ "unassigned": true }`
     * acts only while nobody is assigned. Strict: only `unassigned: true` is a condition.
     */
    when: z
      .strictObject({
        unassigned: z.literal(true, { error: 'unassigned must be true (leave "when" out to always act)' }),
      })
      .optional(),
    /**
     * `"internal"`: the level fires on the team's internal clock of the metric (see
     * `internalTargets`); absent = the customer clock, so levels written before keep their keys.
     */
    scope: z
      .literal('internal', { error: 'scope is "internal" (leave it out for the customer SLA)' })
      .optional(),
  })
  .superRefine((e, ctx) => {
    if (e.trigger.type !== 'at_due' && e.trigger.minutes === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['trigger', 'minutes'],
        message: `${e.trigger.type} needs minutes`,
      });
    }
    // notify_department's departmentId depends on the kind (a lead's may leave it out): see
    // checkSubjectKind, which knows the policy's subject.
    const needs: Record<string, 'staffId' | 'departmentId' | 'webhook' | undefined> = {
      notify_staff: 'staffId',
      reassign_staff: 'staffId',
      reassign_department: 'departmentId',
      webhook: 'webhook',
    };
    if (e.deliver === 'working_hours' && !e.action.type.startsWith('notify_')) {
      ctx.addIssue({
        code: 'custom',
        path: ['deliver'],
        message: 'only notify levels can be held to working hours',
      });
    }
    if (e.action.type === 'notify_on_call' && e.action.rota === undefined) {
      ctx.addIssue({ code: 'custom', path: ['action', 'rota'], message: 'notify_on_call needs rota' });
    }
    const field = needs[e.action.type];
    if (field && e.action[field] === undefined) {
      ctx.addIssue({ code: 'custom', path: ['action', field], message: `${e.action.type} needs ${field}` });
    }
  });

/**
 * The team an internal target is for: the ticket's department, or a group of assignees. Exactly
 * one of the two, so the error names the field.
 */
const InternalTeamSchema = z
  .strictObject({
    departmentId: idNumber.optional(),
    staffIds: ids.optional(),
  })
  .refine((t) => (t.departmentId === undefined) !== (t.staffIds === undefined), {
    message: 'give departmentId or staffIds (one of the two)',
  });

/**
 * A team's own commitment (an OLA): targets of the ticket metrics, each shorter than the
 * customer's target of the same metric (checked in checkInternalTargets). `name` labels it
 * ("Internal (Tier 1)"); without one the department's or the staff members' names do.
 */
const InternalTargetSchema = z.strictObject({
  name: name.optional(),
  team: InternalTeamSchema,
  targets: z
    .strictObject({
      first_response: TargetSchema.optional(),
      next_response: TargetSchema.optional(),
      resolution: TargetSchema.optional(),
    })
    .refine((t) => METRICS.some((m) => t[m] !== undefined), { message: 'set at least one internal target' }),
});

const PolicyObjectSchema = z.strictObject({
  key,
  name,
  /** What the policy governs: tickets (the default, as before leads existed) or leads. */
  subject: z.enum(SUBJECT_TYPES).default('ticket'),
  active: z.boolean().default(true),
  position: z.number().int().min(0).default(0),
  match: z
    .strictObject({
      departmentIds: ids.optional(),
      priorityIds: ids.optional(),
      clientIds: ids.optional(),
      serviceIds: ids.optional(),
      /** Leads: the market (host country id). */
      countryIds: ids.optional(),
      sourceIds: ids.optional(),
      /** Leads: the status the lead is in now. */
      statusIds: ids.optional(),
      /** Leads: the owner (staff id). */
      assignedIds: ids.optional(),
    })
    .default({}),
  calendar: key.nullable().default(null),
  targets: z
    .strictObject({
      first_response: TargetSchema.optional(),
      next_response: TargetSchema.optional(),
      resolution: TargetSchema.optional(),
      status_time: StatusTimeSchema.optional(),
    })
    .refine((t) => METRICS.some((m) => t[m] !== undefined) || hasStatusWindows(t), {
      message: 'set at least one target',
    }),
  /** Ticket default: Answered and On Hold; a lead policy pauses on none unless it says so. */
  pauseStatusIds: z.array(idNumber).optional(),
  escalations: z.array(EscalationSchema).default([]),
  /**
   * Tickets: internal targets per team; the first team that matches the ticket (its department,
   * or its assignee among the staff ids) has internal clocks beside the customer ones. Optional
   * and without a default, so documents without OLAs export as before.
   */
  internalTargets: z.array(InternalTargetSchema).optional(),
});

/** Each kind keeps to its own match fields, metrics and actions; the error names the field. */
function checkSubjectKind(p: z.infer<typeof PolicyObjectSchema>, ctx: z.RefinementCtx): void {
  const own = new Set<string>(MATCH_FIELDS_OF[p.subject]);
  for (const field of Object.keys(p.match)) {
    if (!own.has(field)) {
      ctx.addIssue({
        code: 'custom',
        path: ['match', field],
        message: `a ${p.subject} policy matches on ${MATCH_FIELDS_OF[p.subject].join(', ')}`,
      });
    }
  }
  if (p.subject !== 'lead') {
    checkInternalTargets(p, ctx);
    // A ticket has a department of its own but the level must still name whose members to notify;
    // only a lead policy may leave it out (then: the departments of the lead's owner).
    p.escalations.forEach((e, j) => {
      if (e.action.type === 'notify_department' && e.action.departmentId === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['escalations', j, 'action', 'departmentId'],
          message: 'notify_department needs departmentId',
        });
      }
    });
    return;
  }
  if (p.internalTargets !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['internalTargets'],
      message: 'internal targets are for ticket policies',
    });
  }
  for (const metric of METRICS) {
    if (p.targets[metric] !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['targets', metric],
        message: `leads have no ${metric}: give status_time windows per lead status`,
      });
    }
  }
  p.escalations.forEach((e, j) => {
    if (e.scope !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['escalations', j, 'scope'],
        message:
          'no internal target of a lead for this level to fire on (internal targets are for ticket policies)',
      });
    }
    if ((TICKET_ONLY_ACTIONS as readonly string[]).includes(e.action.type)) {
      ctx.addIssue({
        code: 'custom',
        path: ['escalations', j, 'action', 'type'],
        message: `${e.action.type} is for tickets; leads have no priority or department`,
      });
    }
  });
}

/**
 * An internal target is a team's commitment inside the customer's promise: each must be shorter
 * than the policy's customer target of the same metric (and that target must exist). An internal
 * level needs an internal target of its metric.
 */
function checkInternalTargets(p: z.infer<typeof PolicyObjectSchema>, ctx: z.RefinementCtx): void {
  const internal = p.internalTargets ?? [];
  internal.forEach((team, i) => {
    for (const metric of METRICS) {
      const own = team.targets[metric];
      if (own === undefined) continue;
      const customer = p.targets[metric];
      if (customer === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['internalTargets', i, 'targets', metric],
          message: `the policy has no customer ${metric} target for this one to be shorter than`,
        });
      } else if (own.minutes >= customer.minutes) {
        ctx.addIssue({
          code: 'custom',
          path: ['internalTargets', i, 'targets', metric, 'minutes'],
          message: `must be shorter than the customer target (${customer.minutes} minutes)`,
        });
      }
    }
  });
  p.escalations.forEach((e, j) => {
    if (e.scope !== 'internal') return;
    const metric = e.metric;
    if (metric === STATUS_TIME || !internal.some((team) => team.targets[metric] !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['escalations', j, 'scope'],
        message: `no internal target of ${metric} for this level to fire on`,
      });
    }
  });
}

const PolicyConfigSchema = PolicyObjectSchema.superRefine(checkSubjectKind).transform((p) => ({
  ...p,
  pauseStatusIds: p.pauseStatusIds ?? (p.subject === 'lead' ? [] : [...DEFAULT_TICKET_PAUSE_STATUS_IDS]),
}));

/**
 * Who gets a "notify the assignee" escalation when the ticket has no assignee who can receive it
 * (unassigned, or the assignee is inactive or has no email): nobody (recorded as no recipient),
 * the members of the ticket's department, or one named staff member.
 */
export const UNASSIGNED_FALLBACKS = ['none', 'department', 'staff'] as const;
export type UnassignedFallback = (typeof UNASSIGNED_FALLBACKS)[number];

/** A five-field cron expression, run in the host's time zone. */
const cronExpression = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const problem = cronProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `not a cron expression: ${problem}` });
  });

/**
 * The digests: off until an administrator turns them on (nobody gets new mail by surprise). The
 * daily one goes to each staff member with View who has items; the weekly one to the staff with
 * Manage (who configure the SLAs and answer for them) plus `extraStaffIds`.
 */
const DigestSettingsSchema = z.strictObject({
  daily: z
    .strictObject({
      enabled: z.boolean().default(false),
      schedule: cronExpression.default('0 8 * * 1-5'),
    })
    .default({ enabled: false, schedule: '0 8 * * 1-5' }),
  weekly: z
    .strictObject({
      enabled: z.boolean().default(false),
      schedule: cronExpression.default('0 8 * * 1'),
      extraStaffIds: z.array(idNumber).default([]),
    })
    .default({ enabled: false, schedule: '0 8 * * 1', extraStaffIds: [] }),
});
export type DigestSettings = z.infer<typeof DigestSettingsSchema>;

const SettingsSchema = z
  .strictObject({
    cooldownMinutes: z.number().int().min(0).max(10_080).default(60),
    defaultWarnAtPercent: z.number().gt(0).lt(100).default(80),
    // Added later: defaults keep documents written before them valid.
    /** How often the host's cron is expected to tick; the late-cron banner allows three intervals. */
    scanIntervalMinutes: z.number().int().min(1).max(60).default(1),
    /** Pause statuses a new policy starts with (Answered, On Hold). */
    defaultPauseStatusIds: z.array(idNumber).default([...DEFAULT_TICKET_PAUSE_STATUS_IDS]),
    /** Where "notify the assignee" goes for a ticket with nobody to notify (UNASSIGNED_FALLBACKS). */
    unassignedFallback: z.enum(UNASSIGNED_FALLBACKS).default('department'),
    /** The named staff member of the `staff` fallback. */
    unassignedFallbackStaffId: idNumber.nullable().default(null),
    /** Daily and weekly digest schedules (DigestSettingsSchema). */
    digests: DigestSettingsSchema.default(DigestSettingsSchema.parse({})),
  })
  .refine((s) => s.unassignedFallback !== 'staff' || s.unassignedFallbackStaffId !== null, {
    message: 'the staff fallback needs unassignedFallbackStaffId',
    path: ['unassignedFallbackStaffId'],
  });

/** The general settings when none are stored: every field's schema default, spelled once. */
export const DEFAULT_SETTINGS: z.infer<typeof SettingsSchema> = SettingsSchema.parse({});

/**
 * The whole configuration document: what `config import/export`, the API and settings pages use.
 * `knownCalendarKeys` are calendars that exist outside the document (a partial import may name
 * a calendar only the database has).
 */
export const slaConfigSchema = (
  knownCalendarKeys: ReadonlySet<string> = new Set(),
  /** On-call rotas that exist outside the document (a partial import may name one only the database has). */
  knownRotaKeys: ReadonlySet<string> = new Set(),
  knownWebhookKeys: ReadonlySet<string> = new Set(),
) =>
  z
    .strictObject({
      calendars: z.array(CalendarConfigSchema).default([]),
      policies: z.array(PolicyConfigSchema).default([]),
      settings: SettingsSchema.default(DEFAULT_SETTINGS),
      /** Endpoints `webhook` levels post to; secrets are write-only (see webhook-config.ts). */
      webhooks: z.array(WebhookConfigSchema).default([]),
      // Optional (not defaulted), so documents and literals written before them stay whole.
      staffSchedules: z.array(StaffScheduleSchema).optional(),
      onCall: z.array(OnCallRotaSchema).optional(),
    })
    .superRefine((doc, ctx) => {
      checkUniqueKeys(doc.calendars, 'calendars', ctx);
      checkUniqueKeys(doc.policies, 'policies', ctx);
      checkUniqueKeys(doc.onCall ?? [], 'onCall', ctx);
      checkUniqueKeys(doc.webhooks, 'webhooks', ctx);
      const webhookKeys = new Set([...knownWebhookKeys, ...doc.webhooks.map((w) => w.key)]);
      const calendarKeys = new Set([...knownCalendarKeys, ...doc.calendars.map((c) => c.key)]);
      const rotaKeys = new Set([...knownRotaKeys, ...(doc.onCall ?? []).map((r) => r.key)]);
      checkSchedules(doc.staffSchedules ?? [], calendarKeys, ctx);
      // Valid calendars of the document that never open (a policy may not use one).
      const closed = new Map<string, { index: number; why: NeverOpen }>();
      doc.calendars.forEach((c, i) => {
        try {
          const why = neverOpens(
            validateCalendar({ timezone: c.timezone, week: c.week, holidays: c.holidays }),
          );
          if (why) closed.set(c.key, { index: i, why });
        } catch (err) {
          if (!(err instanceof CalendarError)) throw err;
          ctx.addIssue({
            code: 'custom',
            path: ['calendars', i, ...splitField(err.field)],
            message: err.message.replace(`${err.field}: `, ''),
          });
        }
      });
      const reported = new Set<string>();
      doc.policies.forEach((p, i) => {
        if (p.calendar !== null && !calendarKeys.has(p.calendar)) {
          ctx.addIssue({
            code: 'custom',
            path: ['policies', i, 'calendar'],
            message: `no calendar with key "${p.calendar}"`,
          });
        }
        const never = p.calendar === null ? undefined : closed.get(p.calendar);
        if (never) {
          // Both sides: a form saving the calendar and one saving the policy each see their field.
          ctx.addIssue({
            code: 'custom',
            path: ['policies', i, 'calendar'],
            message: `calendar "${p.calendar}" never opens (${never.why.message}), so no clock could fall due`,
          });
          if (!reported.has(p.calendar as string)) {
            reported.add(p.calendar as string);
            ctx.addIssue({
              code: 'custom',
              path: ['calendars', never.index, never.why.field],
              message: `${never.why.message}; policy "${p.key}" uses this calendar`,
            });
          }
        }
        p.escalations.forEach((e, j) => {
          if (
            e.action.type === 'webhook' &&
            e.action.webhook !== undefined &&
            !webhookKeys.has(e.action.webhook)
          ) {
            ctx.addIssue({
              code: 'custom',
              path: ['policies', i, 'escalations', j, 'action', 'webhook'],
              message: `no webhook with key "${e.action.webhook}"`,
            });
          }
          if (e.action.rota !== undefined && !rotaKeys.has(e.action.rota)) {
            ctx.addIssue({
              code: 'custom',
              path: ['policies', i, 'escalations', j, 'action', 'rota'],
              message: `no on-call rota with key "${e.action.rota}"`,
            });
          }
          if (e.metric === STATUS_TIME ? !hasStatusWindows(p.targets) : !p.targets[e.metric]) {
            ctx.addIssue({
              code: 'custom',
              path: ['policies', i, 'escalations', j, 'metric'],
              message: `policy has no ${e.metric} target`,
            });
          }
        });
      });
    });
export const SlaConfigSchema = slaConfigSchema();

/**
 * The document. `webhooks` came later and is optional in the type, so documents written in code
 * before it (seeds, fixtures) stay valid; a parsed document always has the list.
 */
export type SlaConfig = Omit<z.infer<typeof SlaConfigSchema>, 'webhooks'> & {
  webhooks?: z.infer<typeof SlaConfigSchema>['webhooks'];
};
export type CalendarConfig = z.infer<typeof CalendarConfigSchema>;
/** A policy as validated (defaults filled in). */
export type PolicyConfig = z.output<typeof PolicyConfigSchema>;
export type TargetConfig = z.infer<typeof TargetSchema>;
export type StatusTimeConfig = z.infer<typeof StatusTimeSchema>;
/** A policy's targets: one per targeted metric, and the status windows. */
export type TargetsConfig = PolicyConfig['targets'];
export type EscalationConfig = z.infer<typeof EscalationSchema>;
/** One team's internal targets (an OLA) on a ticket policy. */
export type InternalTargetConfig = z.infer<typeof InternalTargetSchema>;
export type SlaSettings = z.infer<typeof SettingsSchema>;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];
export { CalendarConfigSchema, PolicyConfigSchema, SettingsSchema };
export { StaffScheduleSchema, OnCallRotaSchema };
export type { StaffScheduleConfig, OnCallRotaConfig, RotationConfig } from './on-call-schema';

/** True when the targets give at least one status a window (an empty byStatus sets no target). */
export function hasStatusWindows(targets: { status_time?: StatusTimeConfig }): boolean {
  return Object.keys(targets.status_time?.byStatus ?? {}).length > 0;
}

function checkUniqueKeys(items: { key: string }[], list: string, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.key))
      ctx.addIssue({ code: 'custom', path: [list, i, 'key'], message: `duplicate key "${item.key}"` });
    seen.add(item.key);
  });
}

/** `week.mon[1][0]` -> ['week', 'mon', 1, 0], so calendar errors carry a full document path. */
function splitField(field: string): (string | number)[] {
  return field
    .split(/\.|\[|\]/)
    .filter((p) => p !== '' && p !== '(calendar)')
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** One error per problem, each with the path into the document (`policies[0].targets.resolution.minutes`). */
export interface ConfigIssue {
  path: string;
  message: string;
}

export function formatIssues(error: z.ZodError): ConfigIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.reduce<string>(
      (out, part) =>
        typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part),
      '',
    );
    const keys = (issue as { keys?: string[] }).keys;
    return {
      path: path || '(document)',
      message: keys ? `${issue.message}: ${keys.join(', ')}` : issue.message,
    };
  });
}

export class ConfigError extends Error {
  readonly status = 422;
  readonly code = 'invalid_config';
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  }
}

/** Validates a configuration document; throws ConfigError listing every problem with its path. */
export function parseSlaConfig(
  input: unknown,
  knownCalendarKeys?: ReadonlySet<string>,
  knownRotaKeys?: ReadonlySet<string>,
  knownWebhookKeys?: ReadonlySet<string>,
): SlaConfig {
  const schema =
    knownCalendarKeys || knownRotaKeys || knownWebhookKeys
      ? slaConfigSchema(knownCalendarKeys, knownRotaKeys, knownWebhookKeys)
      : SlaConfigSchema;
  const result = schema.safeParse(input);
  if (!result.success) throw new ConfigError(formatIssues(result.error));
  return result.data;
}
