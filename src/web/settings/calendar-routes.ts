import { Router, type Request, type Response } from 'express';
import { ConfigError } from '../../sla/config';
import { asyncRoute } from '../async-route';
import { renderModulePage } from '../module-page';
import { pageContext, type PageContext, type WebDeps } from '../web-deps';
import {
  CALENDAR_FIELDS,
  calendarIssueRules,
  calendarToForm,
  formToCalendar,
  importHolidaysIntoForm,
  slotCounts,
  WEEKDAYS,
} from './calendar-form';
import { addError, hasErrors, issuesToFieldErrors, type FieldErrors } from './form-errors';
import { formView } from './form-view';
import { readForm, type FormValues } from './form-values';
import { renderSettingsIndex, SETTINGS_BASE, staffOf } from './settings-index';
import { timeZoneChoices } from './time-zones';

interface CalendarFormState {
  /** The key being edited; null for a new calendar. */
  editing: string | null;
  values: FormValues;
  errors?: FieldErrors;
  status?: number;
  notice?: string;
}

async function renderCalendarForm(res: Response, deps: WebDeps, ctx: PageContext, state: CalendarFormState) {
  const values = state.values;
  await renderModulePage(res, deps, ctx, {
    slug: 'settings',
    view: 'settings-calendar',
    status: state.status,
    title: ctx.t(state.editing ? 'settings.calendar.edit_title' : 'settings.calendar.new_title'),
    data: {
      base: SETTINGS_BASE,
      editing: state.editing,
      action: state.editing
        ? `${SETTINGS_BASE}/calendars/${encodeURIComponent(state.editing)}`
        : `${SETTINGS_BASE}/calendars`,
      form: formView(values, state.errors),
      weekdays: WEEKDAYS,
      slots: slotCounts(values),
      zones: timeZoneChoices(String(values.timezone ?? '')),
      notice: state.notice ?? null,
    },
  });
}

/** New/edit calendar forms: weekly hours with several intervals a day, holidays and their import. */
export function createCalendarRoutes(deps: WebDeps): Router {
  const router = Router();
  const { services } = deps;
  const year = () => deps.host.clock.now().getUTCFullYear();

  router.get(
    '/calendars/new',
    asyncRoute(async (_req, res) => {
      const ctx = await pageContext(res, deps);
      await renderCalendarForm(res, deps, ctx, {
        editing: null,
        values: calendarToForm(undefined, ctx.zone, year()),
      });
    }),
  );

  router.get(
    '/calendars/:key/edit',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      const calendar = (await services.config.export()).calendars.find((c) => c.key === req.params.key);
      if (!calendar) return notFound(res, deps, ctx);
      await renderCalendarForm(res, deps, ctx, {
        editing: calendar.key,
        values: calendarToForm(calendar, ctx.zone, year()),
      });
    }),
  );

  const save = async (req: Request, res: Response, editing: string | null) => {
    const ctx = await pageContext(res, deps);
    const typed = readForm(req.body, CALENDAR_FIELDS, [/^alwaysOpen$/]);
    // An existing calendar keeps its key: policies refer to it.
    const values = editing ? { ...typed, key: editing } : typed;
    const current = (await services.config.export()).calendars;
    if (editing && !current.some((c) => c.key === editing)) return notFound(res, deps, ctx);

    if (typed._action === 'import_holidays') {
      const result = importHolidaysIntoForm(values, ctx.t);
      const ok = !hasErrors(result.errors);
      await renderCalendarForm(res, deps, ctx, {
        editing,
        values: result.values,
        errors: result.errors,
        status: ok ? 200 : 422,
        notice: ok ? ctx.t('settings.calendar.holidays_added', { count: result.added }) : undefined,
      });
      return;
    }

    const { input, errors, rowOf } = formToCalendar(values, ctx.t);
    if (!editing && current.some((c) => c.key === input.key))
      addError(errors, 'key', ctx.t('settings.errors.key_taken'));
    if (!hasErrors(errors)) {
      try {
        const saved = await services.config.saveCalendar(input, staffOf(res));
        res.redirect(303, `${SETTINGS_BASE}?saved=calendar:${encodeURIComponent(saved.key)}#calendars`);
        return;
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        Object.assign(errors, issuesToFieldErrors(err.issues, calendarIssueRules(rowOf), ctx.t));
      }
    }
    await renderCalendarForm(res, deps, ctx, { editing, values, errors, status: 422 });
  };

  router.post(
    '/calendars',
    asyncRoute((req, res) => save(req, res, null)),
  );
  router.post(
    '/calendars/:key',
    asyncRoute((req, res) => save(req, res, String(req.params.key))),
  );

  router.post(
    '/calendars/:key/delete',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      readForm(req.body, []);
      const key = String(req.params.key);
      const users = async () =>
        (await services.config.export()).policies.filter((p) => p.calendar === key).map((p) => p.key);
      const inUse = async (policies: string[]) =>
        renderSettingsIndex(res, deps, ctx, {
          status: 409,
          error: ctx.t('settings.errors.calendar_in_use', { key, policies: policies.join(', ') }),
        });
      const before = await users();
      if (before.length) return inUse(before);
      try {
        if (!(await services.config.deleteCalendar(key, staffOf(res)))) return notFound(res, deps, ctx);
      } catch (err) {
        // A policy started using it between the check and the delete: the service refuses.
        if (!(err instanceof ConfigError)) throw err;
        return inUse(await users());
      }
      res.redirect(303, `${SETTINGS_BASE}?deleted=calendar:${encodeURIComponent(key)}#calendars`);
    }),
  );
  return router;
}

export async function notFound(res: Response, deps: WebDeps, ctx: PageContext): Promise<void> {
  await renderSettingsIndex(res, deps, ctx, { status: 404, error: ctx.t('settings.errors.not_found') });
}
