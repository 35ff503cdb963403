import { Router, type Request, type Response } from 'express';
import { ConfigError, type OnCallRotaConfig } from '../../sla/config';
import { asyncRoute } from '../async-route';
import { renderModulePage } from '../module-page';
import { pageContext, type PageContext, type WebDeps } from '../web-deps';
import { addError, hasErrors, issuesToFieldErrors, type FieldErrors } from './form-errors';
import { formView } from './form-view';
import { readForm, text, type FormValues } from './form-values';
import { loadHostChoices } from './host-choices';
import { formToRota, rotaIssueRules, rotaRowCounts, rotaToForm, ROTA_FIELDS } from './on-call-form';
import { rotaRow } from './on-call-view';
import { SETTINGS_BASE, staffOf } from './settings-index';
import { timeZoneChoices } from './time-zones';
import { notFound } from './calendar-routes';

const BASE = `${SETTINGS_BASE}/on-call`;

interface RotaFormState {
  editing: string | null;
  values: FormValues;
  errors?: FieldErrors;
  status?: number;
}

/**
 * `settings/on-call`: the rotas with who is on call now and the next handovers, and the rota form
 * (department and fallback chosen by name, a weekly order of people or date ranges).
 */
export function createOnCallRoutes(deps: WebDeps): Router {
  const router = Router();
  const { services } = deps;
  const rotas = async () => (await services.config.export()).onCall ?? [];

  router.get(
    '/on-call',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      const [list, choices] = await Promise.all([rotas(), loadHostChoices(deps.host.tickets)]);
      const staff = new Map(choices.staff.map((s) => [s.id, s.name]));
      const saved = typeof req.query.saved === 'string' ? req.query.saved : null;
      await renderModulePage(res, deps, ctx, {
        slug: 'settings',
        view: 'settings-on-call',
        title: ctx.t('settings.on_call.title'),
        data: {
          base: SETTINGS_BASE,
          rotas: list.map((r) => rotaRow(r, choices.departments, staff, ctx.now)),
          saved: saved && list.some((r) => r.key === saved) ? saved : null,
        },
      });
    }),
  );

  const renderForm = async (res: Response, ctx: PageContext, state: RotaFormState) => {
    const choices = await loadHostChoices(deps.host.tickets);
    const stored = state.editing ? (await rotas()).find((r) => r.key === state.editing) : undefined;
    const staff = new Map(choices.staff.map((s) => [s.id, s.name]));
    await renderModulePage(res, deps, ctx, {
      slug: 'settings',
      view: 'settings-on-call-rota',
      status: state.status,
      title: ctx.t(state.editing ? 'settings.on_call.edit_title' : 'settings.on_call.new_title'),
      data: {
        base: SETTINGS_BASE,
        editing: state.editing,
        action: state.editing ? `${BASE}/${encodeURIComponent(state.editing)}` : BASE,
        form: formView(state.values, state.errors),
        rows: rotaRowCounts(state.values),
        zones: timeZoneChoices(text(state.values, 'timezone')),
        departments: choices.departments,
        staff: choices.staff,
        current: stored ? rotaRow(stored, choices.departments, staff, ctx.now) : null,
      },
    });
  };

  router.get(
    '/on-call/new',
    asyncRoute(async (_req, res) => {
      const ctx = await pageContext(res, deps);
      await renderForm(res, ctx, { editing: null, values: rotaToForm(undefined, ctx.zone) });
    }),
  );

  router.get(
    '/on-call/:key/edit',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      const rota = (await rotas()).find((r) => r.key === req.params.key);
      if (!rota) return notFound(res, deps, ctx);
      await renderForm(res, ctx, { editing: rota.key, values: rotaToForm(rota, zoneOf(rota, ctx.zone)) });
    }),
  );

  const save = async (req: Request, res: Response, editing: string | null) => {
    const ctx = await pageContext(res, deps);
    const typed = readForm(req.body, ROTA_FIELDS);
    // An existing rota keeps its key: levels refer to it.
    const values = editing ? { ...typed, key: editing } : typed;
    const current = await rotas();
    if (editing && !current.some((r) => r.key === editing)) return notFound(res, deps, ctx);
    const parsed = formToRota(values, ctx.t);
    const { input, errors } = parsed;
    if (!editing && current.some((r) => r.key === input.key))
      addError(errors, 'key', ctx.t('settings.errors.key_taken'));
    // Department and people are chosen by name: an id no option offered is refused at its field.
    const choices = await loadHostChoices(deps.host.tickets);
    const known = (rows: { id: number }[], id: unknown) =>
      typeof id !== 'number' || rows.some((r) => r.id === id);
    if (!known(choices.departments, input.departmentId))
      addError(errors, 'departmentId', ctx.t('settings.errors.id'));
    if (!known(choices.staff, input.fallbackStaffId))
      addError(errors, 'fallbackStaffId', ctx.t('settings.errors.id'));
    for (const [name, value] of Object.entries(values)) {
      if (
        /^(order\.\d+|ranges\.\d+\.staffId)$/.test(name) &&
        value !== '' &&
        !known(choices.staff, Number(value))
      )
        addError(errors, name, ctx.t('settings.errors.id'));
    }
    if (!hasErrors(errors)) {
      try {
        const saved = await services.config.saveRota(input, staffOf(res));
        res.redirect(303, `${BASE}?saved=${encodeURIComponent(saved.key)}`);
        return;
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        Object.assign(errors, issuesToFieldErrors(err.issues, rotaIssueRules(parsed), ctx.t));
      }
    }
    await renderForm(res, ctx, { editing, values, errors, status: 422 });
  };

  router.post(
    '/on-call',
    asyncRoute((req, res) => save(req, res, null)),
  );
  router.post(
    '/on-call/:key',
    asyncRoute((req, res) => save(req, res, String(req.params.key))),
  );

  router.post(
    '/on-call/:key/delete',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      readForm(req.body, []);
      const key = String(req.params.key);
      try {
        if (!(await services.config.deleteRota(key, staffOf(res)))) return notFound(res, deps, ctx);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        const rota = (await rotas()).find((r) => r.key === key) as OnCallRotaConfig;
        await renderForm(res, ctx, {
          editing: key,
          values: rotaToForm(rota, zoneOf(rota, ctx.zone)),
          errors: { _form: [ctx.t('settings.on_call.errors.in_use', { key })] },
          status: 409,
        });
        return;
      }
      res.redirect(303, BASE);
    }),
  );
  return router;
}

/** The zone the form shows a rota's times in: a weekly rota's own, else the host's. */
function zoneOf(rota: OnCallRotaConfig, hostZone: string): string {
  return rota.rotation.type === 'weekly' ? rota.rotation.timezone : hostZone;
}
