import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AdminLocals } from '../../host/host-context';
import type { ConfigIssue } from '../../sla/config';
import { renderModulePage } from '../module-page';
import type { PageContext, WebDeps } from '../web-deps';
import type { FieldErrors } from './form-errors';
import { formView } from './form-view';
import type { FormValues } from './form-values';
import { settingsToForm } from './general-settings-form';
import { loadHostChoices } from './host-choices';

export const SETTINGS_BASE = '/admin/sla_vigil/settings';

/** What the index was redirected with after a change (`?saved=policy:key`), shown once as a notice. */
const NoticeQuery = z.object({
  saved: z.string().max(100).optional(),
  deleted: z.string().max(100).optional(),
  moved: z.string().max(100).optional(),
  imported: z
    .string()
    .regex(/^\d+:\d+$/)
    .optional(),
});

/** A translated notice for the redirect's query, or null. */
export function noticeFrom(req: Request, ctx: PageContext): string | null {
  const q = NoticeQuery.safeParse(req.query);
  if (!q.success) return null;
  const { saved, deleted, moved, imported } = q.data;
  const [kind, key = ''] = (saved ?? deleted ?? '').split(':');
  if (saved && ['calendar', 'policy'].includes(kind)) return ctx.t(`settings.notice.saved_${kind}`, { key });
  if (saved === 'settings') return ctx.t('settings.notice.saved_settings');
  if (deleted && ['calendar', 'policy'].includes(kind))
    return ctx.t(`settings.notice.deleted_${kind}`, { key });
  if (moved) return ctx.t('settings.notice.moved', { key: moved });
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
  importForm?: { text: string; issues: ConfigIssue[] };
}

/** The settings index: calendars, policies in evaluation order, general settings, import/export. */
export async function renderSettingsIndex(
  res: Response,
  deps: WebDeps,
  ctx: PageContext,
  state: IndexState = {},
): Promise<void> {
  const [config, choices] = await Promise.all([
    deps.services.config.load(),
    loadHostChoices(deps.host.tickets),
  ]);
  const calendarNames = new Map(config.calendars.map((c) => [c.key, c.name]));
  const usedBy = (key: string) => config.policies.filter((p) => p.calendar === key).map((p) => p.key);
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
      policies: config.policies.map((p) => ({
        ...p,
        calendarName: p.calendar ? (calendarNames.get(p.calendar) ?? p.calendar) : null,
      })),
      statuses: choices.statuses,
      general: formView(
        state.general?.values ?? settingsToForm(config.settings),
        state.general?.errors ?? {},
      ),
      importText: state.importForm?.text ?? '',
      importIssues: state.importForm?.issues ?? [],
    },
  });
}

export const staffOf = (res: Response): number => (res.locals as AdminLocals).staffId;
