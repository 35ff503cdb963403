import { Router, type Response } from 'express';
import { IANAZone } from 'luxon';
import { ConfigError } from '../../sla/config';
import { parseId } from '../../sla/strict-input';
import { asyncRoute } from '../async-route';
import { renderModulePage } from '../module-page';
import { pageContext, type PageContext, type WebDeps } from '../web-deps';
import { addError, hasErrors, issuesToFieldErrors, type FieldErrors } from './form-errors';
import { formView } from './form-view';
import { readForm, text, type FormValues } from './form-values';
import { loadHostChoices } from './host-choices';
import { SETTINGS_BASE, staffOf } from './settings-index';
import { timeZoneChoices } from './time-zones';
import { notFound } from './calendar-routes';
import { formatDateTime } from '../../i18n/format-date';

const BASE = `${SETTINGS_BASE}/working-hours`;

/**
 * `settings/working-hours`: each active staff member's schedule (a calendar chosen by name, read in
 * their zone), whether they work now and, if not, when they next do; one small form per person.
 */
export function createWorkingHoursRoutes(deps: WebDeps): Router {
  const router = Router();
  const { services } = deps;

  const render = async (
    res: Response,
    ctx: PageContext,
    edit?: { staffId: number; values: FormValues; errors?: FieldErrors; status?: number },
  ) => {
    const [config, choices, book] = await Promise.all([
      services.config.export(),
      loadHostChoices(deps.host.tickets),
      services.clocks.policyBook(),
    ]);
    const schedules = new Map((config.staffSchedules ?? []).map((s) => [s.staffId, s]));
    const calendars = config.calendars.map((c) => ({ key: c.key, name: c.name, timezone: c.timezone }));
    const rows = choices.staff.map((s) => {
      const schedule = schedules.get(s.id);
      const next = book.nextWorkingMomentOf(s.id, ctx.now);
      const zone = book.zoneOf(s.id) ?? ctx.zone;
      const calendar = calendars.find((c) => c.key === schedule?.calendar);
      return {
        id: s.id,
        name: s.name,
        calendar: calendar?.name ?? null,
        timezone: schedule?.timezone ?? calendar?.timezone ?? null,
        working: next.getTime() === ctx.now.getTime(),
        next: next.getTime() === ctx.now.getTime() ? null : formatIn(ctx, next, zone),
      };
    });
    const editing = edit ? rows.find((r) => r.id === edit.staffId) : undefined;
    await renderModulePage(res, deps, ctx, {
      slug: 'settings',
      view: 'settings-working-hours',
      status: edit?.status,
      title: ctx.t('settings.working_hours.title'),
      data: {
        base: SETTINGS_BASE,
        rows,
        calendars,
        editing: editing ?? null,
        form: formView(edit?.values ?? {}, edit?.errors),
        zones: timeZoneChoices(text(edit?.values ?? {}, 'timezone')),
      },
    });
  };

  router.get(
    '/working-hours',
    asyncRoute(async (_req, res) => render(res, await pageContext(res, deps))),
  );

  router.get(
    '/working-hours/:staffId/edit',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      const staffId = parseId(String(req.params.staffId));
      const choices = await loadHostChoices(deps.host.tickets);
      if (staffId === undefined || !choices.staff.some((s) => s.id === staffId))
        return notFound(res, deps, ctx);
      const schedule = ((await services.config.export()).staffSchedules ?? []).find(
        (s) => s.staffId === staffId,
      );
      await render(res, ctx, {
        staffId,
        values: { calendar: schedule?.calendar ?? '', timezone: schedule?.timezone ?? '' },
      });
    }),
  );

  router.post(
    '/working-hours/:staffId',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      const staffId = parseId(String(req.params.staffId));
      const choices = await loadHostChoices(deps.host.tickets);
      if (staffId === undefined || !choices.staff.some((s) => s.id === staffId))
        return notFound(res, deps, ctx);
      const values = readForm(req.body, [/^(calendar|timezone)$/]);
      const errors: FieldErrors = {};
      const calendar = text(values, 'calendar');
      const timezone = text(values, 'timezone');
      if (timezone && !IANAZone.isValidZone(timezone))
        addError(errors, 'timezone', ctx.t('settings.errors.timezone'));
      if (!hasErrors(errors)) {
        try {
          // No calendar and no zone: the person is always reachable, and needs no entry.
          const schedule =
            calendar || timezone ? { calendar: calendar || null, ...(timezone && { timezone }) } : null;
          await services.config.saveSchedule(staffId, schedule, staffOf(res));
          res.redirect(303, `${BASE}?saved=${staffId}`);
          return;
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          Object.assign(
            errors,
            issuesToFieldErrors(err.issues, [[/^(calendar|timezone)$/, (m) => m[1]]], ctx.t),
          );
        }
      }
      await render(res, ctx, { staffId, values, errors, status: 422 });
    }),
  );
  return router;
}

/** In the person's own zone, named when it is not the host's. */
function formatIn(ctx: PageContext, at: Date, zone: string): string {
  return `${formatDateTime(at, zone, ctx.lang, ctx.now)}${zone === ctx.zone ? '' : ` (${zone})`}`;
}
