import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AdminLocals } from '../../host/host-context';
import type { ConfigIssue } from '../../sla/config';
import { renderModulePage } from '../module-page';
import { pageContext, type PageContext, type WebDeps } from '../web-deps';
import type { FieldErrors } from './form-errors';
import { formView } from './form-view';
import type { FormValues, UnexpectedFormError } from './form-values';
import { settingsToForm } from './general-settings-form';
import { loadHostChoices } from './host-choices';
import { LEAD_KIND, TICKET_KIND, type KindChoices } from './policy-kinds';
import type { PolicyConfig } from '../../sla/config';
import type { LadderImpact } from '../../sla/escalation/passed-levels';
import { describeInternalTargets, describeMatch, describeTargets, type MatchNames } from './policy-summary';
import { internalTeamName } from '../internal-team-name';

export const SETTINGS_BASE = '/admin/sla_vigil/settings';

/** A calendar or policy key as the schema allows it. */
const KEY = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** What the index was redirected with after a change (`?saved=policy:key`), shown once as a notice. */
const NoticeQuery = z.object({
  saved: z.string().max(100).optional(),
  deleted: z.string().max(100).optional(),
  moved: z.string().regex(KEY).optional(),
  imported: z
    .string()
    .regex(/^\d{1,6}:\d{1,6}$/)
    .optional(),
});

/**
 * A translated notice for the redirect's query, or null, naming the item by its name. A link can
 * carry any text, so a notice is shown only for what could have happened: a saved or moved item
 * that exists, a deleted one whose deletion the audit log records (its name is read from there:
 * the item is gone, and a name in the link could say anything).
 */
export async function noticeFrom(
  req: Request,
  ctx: PageContext,
  config: {
    calendars: readonly { key: string; name: string }[];
    policies: readonly { key: string; name: string }[];
  },
  deletedName: (kind: 'calendar' | 'policy', key: string) => Promise<string | null>,
): Promise<string | null> {
  const q = NoticeQuery.safeParse(req.query);
  if (!q.success) return null;
  const { saved, deleted, moved, imported } = q.data;
  const items = { calendar: config.calendars, policy: config.policies };
  const item = (value: string | undefined): { kind: 'calendar' | 'policy'; key: string } | null => {
    const m = /^(calendar|policy):(.+)$/.exec(value ?? '');
    return m && KEY.test(m[2]) ? { kind: m[1] as 'calendar' | 'policy', key: m[2] } : null;
  };
  const nameOf = (kind: 'calendar' | 'policy', key: string) => items[kind].find((x) => x.key === key)?.name;
  if (saved === 'settings') return ctx.t('settings.notice.saved_settings');
  const wasSaved = item(saved);
  const savedName = wasSaved ? nameOf(wasSaved.kind, wasSaved.key) : undefined;
  if (wasSaved && savedName !== undefined)
    return ctx.t(`settings.notice.saved_${wasSaved.kind}`, { name: savedName });
  const wasDeleted = item(deleted);
  if (wasDeleted) {
    const name = await deletedName(wasDeleted.kind, wasDeleted.key);
    if (name !== null) return ctx.t(`settings.notice.deleted_${wasDeleted.kind}`, { name });
  }
  const movedName = moved ? nameOf('policy', moved) : undefined;
  if (movedName !== undefined) return ctx.t('settings.notice.moved', { name: movedName });
  if (imported) {
    const [calendars, policies] = imported.split(':').map(Number);
    return ctx.t('settings.notice.imported', { calendars, policies });
  }
  return null;
}

export interface IndexState {
  status?: number;
  notice?: string | null;
  /** A problem with a list action (e.g. deleting a calendar still in use). */
  error?: string;
  general?: { values: FormValues; errors: FieldErrors };
  importForm?: { text: string; issues: ConfigIssue[]; impact?: LadderImpact };
}

/** The settings index: calendars, policies in evaluation order, general settings, import/export. */
export async function renderSettingsIndex(
  res: Response,
  deps: WebDeps,
  ctx: PageContext,
  state: IndexState = {},
): Promise<void> {
  const [config, choices, ticketChoices, leadChoices] = await Promise.all([
    deps.services.config.load(),
    loadHostChoices(deps.host.tickets),
    TICKET_KIND.choices(deps),
    LEAD_KIND.choices(deps),
  ]);
  const calendarNames = new Map(config.calendars.map((c) => [c.key, c.name]));
  const businessCalendars = new Set(config.calendars.filter((c) => c.week).map((c) => c.key));
  /** A policy's row: what it applies to and its targets in words, with the host's names. */
  const listed = (p: PolicyConfig, names: KindChoices | null) => ({
    ...p,
    calendarName: p.calendar ? (calendarNames.get(p.calendar) ?? p.calendar) : null,
    appliesTo: describeMatch(p.match, matchNamesOf(names), ctx.t, p.subject),
    targetsText: describeTargets(
      p.targets,
      p.calendar !== null && businessCalendars.has(p.calendar),
      ctx.t,
      byId(names?.statuses ?? []),
    ),
    internalTexts: describeInternalTargets(
      p.internalTargets,
      p.calendar !== null && businessCalendars.has(p.calendar),
      ctx.t,
      (team) =>
        internalTeamName(team, { department: byIdText(names?.departments), staff: byIdText(names?.staff) }),
    ),
  });
  const of = (subject: PolicyConfig['subject']) => config.policies.filter((p) => p.subject === subject);
  const usedBy = (key: string) => config.policies.filter((p) => p.calendar === key).map((p) => p.name);
  await renderModulePage(res, deps, ctx, {
    slug: 'settings',
    view: 'settings',
    title: ctx.t('settings.title'),
    status: state.status,
    data: {
      base: SETTINGS_BASE,
      notice: state.notice ?? null,
      listError: state.error ?? null,
      calendars: config.calendars.map((c) => ({ ...c, usedBy: usedBy(c.key) })),
      policies: of('ticket').map((p) => listed(p, ticketChoices)),
      // Lead policies are listed (and made) only where the host has leads; stored ones stay
      // listed by their ids if the host lost its leads.
      leadPolicies: leadChoices || of('lead').length ? of('lead').map((p) => listed(p, leadChoices)) : null,
      hasLeads: leadChoices !== null,
      statuses: choices.statuses,
      staffChoices: choices.staff,
      general: formView(
        state.general?.values ?? settingsToForm(config.settings),
        state.general?.errors ?? {},
      ),
      importText: state.importForm?.text ?? '',
      importIssues: state.importForm?.issues ?? [],
      importImpact: state.importForm?.impact ?? null,
    },
  });
}

export const staffOf = (res: Response): number => (res.locals as AdminLocals).staffId;

/** A form no page of ours produces: the index with a translated message naming the field, HTTP 422. */
export async function renderUnexpectedForm(
  res: Response,
  deps: WebDeps,
  err: UnexpectedFormError,
): Promise<void> {
  const ctx = await pageContext(res, deps);
  await renderSettingsIndex(res, deps, ctx, {
    status: err.status,
    error: ctx.t(`settings.errors.${err.reason}`, { field: err.field }),
  });
}

const byId = (rows: readonly { id: number; name: string }[]) => new Map(rows.map((r) => [r.id, r.name]));
/** Names by id as text, the way the pages' name books key them. */
const byIdText = (rows: readonly { id: number; name: string }[] = []) =>
  new Map(rows.map((r) => [String(r.id), r.name]));

/** Names by id for each of a kind's match lists. */
function matchNamesOf(choices: KindChoices | null): MatchNames {
  const out: MatchNames = {};
  for (const [field, rows] of Object.entries(choices?.match ?? {}))
    out[field as keyof MatchNames] = byId(rows);
  return out;
}
