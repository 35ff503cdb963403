import { Router, type Request, type Response } from 'express';
import {
  CLOCK_METRICS,
  ConfigError,
  ESCALATION_ACTIONS,
  ESCALATION_TRIGGERS,
  METRICS,
} from '../../sla/config';
import { asyncRoute } from '../async-route';
import { renderModulePage } from '../module-page';
import { pageContext, type PageContext, type WebDeps } from '../web-deps';
import { notFound } from './calendar-routes';
import { renderSettingsIndex } from './settings-index';
import { addError, hasErrors, issuesToFieldErrors, type FieldErrors } from './form-errors';
import { formView } from './form-view';
import { rawList, readForm, text, UnexpectedFormError, type FormValues } from './form-values';
import { loadHostChoices, type HostChoices } from './host-choices';
import {
  ACTION_TARGET,
  checkMatchIds,
  checkStatusLimits,
  escalationRowCount,
  MATCH_FIELDS,
  type MatchField,
  formToPolicy,
  POLICY_FIELDS,
  POLICY_LISTS,
  policyIssueRules,
  policyToForm,
  postedStatusLimits,
  statusLimitIds,
} from './policy-form';
import { SETTINGS_BASE, staffOf } from './settings-index';
import { isPassedLevelChoice, type LadderImpact } from '../../sla/escalation/passed-levels';

interface PolicyFormState {
  editing: string | null;
  values: FormValues;
  errors?: FieldErrors;
  status?: number;
  /** What saving the form as it stands would make the next scan do at once (levels already passed). */
  impact?: LadderImpact;
}

const MATCH_CHOICES: Record<MatchField, keyof HostChoices> = {
  departmentIds: 'departments',
  priorityIds: 'priorities',
  clientIds: 'clients',
  serviceIds: 'services',
};

/**
 * The options of each match list: the host's names, then any chosen id the host does not have
 * (a deleted client, or a refused value), so the form shows what is stored or was sent.
 */
function matchOptions(
  choices: HostChoices,
  values: FormValues,
  t: PageContext['t'],
): Record<MatchField, { id: string; name: string }[]> {
  const out = {} as Record<MatchField, { id: string; name: string }[]>;
  for (const f of MATCH_FIELDS) {
    const rows = choices[MATCH_CHOICES[f]].map((r) => ({ id: String(r.id), name: r.name }));
    const ids = new Set(rows.map((r) => r.id));
    const missing = rawList(values, `match.${f}`).filter((id) => !ids.has(id));
    out[f] = [...rows, ...missing.map((id) => ({ id, name: t('settings.policy.unknown_choice', { id }) }))];
  }
  return out;
}

/**
 * The rows of the status limits: every host status a ticket can stay in (not the closed one: a
 * closed ticket owes nothing), then any status id the form holds that the host does not have (a
 * deleted status, or a refused value), so the form shows what is stored or was sent.
 */
function statusLimitRows(
  choices: HostChoices,
  closedStatus: number,
  values: FormValues,
  t: PageContext['t'],
): { id: string; name: string }[] {
  const rows = choices.statuses
    .filter((s) => s.id !== closedStatus)
    .map((s) => ({ id: String(s.id), name: s.name || `#${s.id}` }));
  const ids = new Set(rows.map((r) => r.id));
  const hostName = new Map(choices.statuses.map((s) => [String(s.id), s.name]));
  const missing = statusLimitIds(values)
    .map(String)
    .filter((id) => !ids.has(id));
  return [
    ...rows,
    ...missing.map((id) => ({ id, name: hostName.get(id) || t('settings.policy.unknown_choice', { id }) })),
  ];
}

async function renderPolicyForm(res: Response, deps: WebDeps, ctx: PageContext, state: PolicyFormState) {
  const [config, choices, book] = await Promise.all([
    deps.services.config.load(),
    loadHostChoices(deps.host.tickets),
    deps.services.clocks.policyBook(),
  ]);
  await renderModulePage(res, deps, ctx, {
    slug: 'settings',
    view: 'settings-policy',
    status: state.status,
    title: ctx.t(state.editing ? 'settings.policy.edit_title' : 'settings.policy.new_title'),
    data: {
      base: SETTINGS_BASE,
      editing: state.editing,
      action: state.editing
        ? `${SETTINGS_BASE}/policies/${encodeURIComponent(state.editing)}`
        : `${SETTINGS_BASE}/policies`,
      form: formView(state.values, state.errors),
      rows: escalationRowCount(state.values),
      calendars: config.calendars,
      defaultWarnAtPercent: config.settings.defaultWarnAtPercent,
      choices,
      matchFields: MATCH_FIELDS,
      matchOptions: matchOptions(choices, state.values, ctx.t),
      metrics: METRICS,
      statusLimits: statusLimitRows(choices, book.statuses.closedStatus, state.values, ctx.t),
      escalationMetrics: CLOCK_METRICS,
      triggers: ESCALATION_TRIGGERS,
      actions: ESCALATION_ACTIONS,
      actionTarget: ACTION_TARGET,
      impact: state.impact ?? null,
    },
  });
}

/** New/edit policy forms, delete, and moving a policy up or down the evaluation order. */
export function createPolicyRoutes(deps: WebDeps): Router {
  const router = Router();
  const { services } = deps;

  router.get(
    '/policies/new',
    asyncRoute(async (_req, res) => {
      const ctx = await pageContext(res, deps);
      const { settings } = await services.config.load();
      await renderPolicyForm(res, deps, ctx, { editing: null, values: policyToForm(undefined, settings) });
    }),
  );

  router.get(
    '/policies/:key/edit',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      const config = await services.config.export();
      const policy = config.policies.find((p) => p.key === req.params.key);
      if (!policy) return notFound(res, deps, ctx);
      if (policy.subject !== 'ticket') return leadPolicyRefused(res, deps, ctx);
      await renderPolicyForm(res, deps, ctx, {
        editing: policy.key,
        values: policyToForm(policy, config.settings),
      });
    }),
  );

  const save = async (req: Request, res: Response, editing: string | null) => {
    const ctx = await pageContext(res, deps);
    const typed = readForm(req.body, POLICY_FIELDS, POLICY_LISTS);
    const values = editing ? { ...typed, key: editing } : typed;
    const policies = (await services.config.export()).policies;
    const existing = editing ? policies.find((p) => p.key === editing) : undefined;
    if (editing && !existing) return notFound(res, deps, ctx);
    // This form writes ticket policies: saved over a lead policy it would turn it into one.
    if (existing && existing.subject !== 'ticket') return leadPolicyRefused(res, deps, ctx);
    // A new policy goes last in the evaluation order; an edited one keeps its place.
    const position = existing?.position ?? Math.max(-1, ...policies.map((p) => p.position)) + 1;
    const { input, errors, rowOf } = formToPolicy(values, ctx.t, position);
    const known = await loadHostChoices(deps.host.tickets);
    checkMatchIds(
      input.match as Partial<Record<MatchField, number[]>>,
      Object.fromEntries(MATCH_FIELDS.map((f) => [f, known[MATCH_CHOICES[f]]])) as Record<
        MatchField,
        HostChoices['clients']
      >,
      existing?.match,
      errors,
      ctx.t,
    );
    checkStatusLimits(
      postedStatusLimits(input),
      known.statuses,
      (await services.clocks.policyBook()).statuses.closedStatus,
      existing?.targets.status_time?.byStatus,
      errors,
      ctx.t,
    );
    if (!editing && policies.some((p) => p.key === input.key))
      addError(errors, 'key', ctx.t('settings.errors.key_taken'));
    const choice = text(values, 'passedLevels');
    // Only the form's two radio buttons post this field.
    if (choice !== '' && !isPassedLevelChoice(choice))
      throw new UnexpectedFormError('passedLevels', 'bad_value');
    let impact: LadderImpact | undefined;
    if (!hasErrors(errors)) {
      try {
        // Levels already passed on open tickets would fire at once: say so before saving, and
        // save only once the manager has chosen between firing and skipping them.
        if (text(values, '_action') === 'preview' || choice === '') {
          impact = await services.config.previewPolicy(input, ctx.now);
          if (text(values, '_action') === 'preview')
            return await renderPolicyForm(res, deps, ctx, { editing, values, impact });
          if (impact.levels > 0) addError(errors, 'passedLevels', ctx.t('settings.policy.passed.required'));
        }
        if (!hasErrors(errors)) {
          const saved = await services.config.savePolicy(input, staffOf(res), {
            passedLevels: isPassedLevelChoice(choice) ? choice : undefined,
          });
          res.redirect(303, `${SETTINGS_BASE}?saved=policy:${encodeURIComponent(saved.key)}#policies`);
          return;
        }
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        Object.assign(errors, issuesToFieldErrors(err.issues, policyIssueRules(rowOf), ctx.t));
      }
    }
    await renderPolicyForm(res, deps, ctx, { editing, values, errors, status: 422, impact });
  };

  router.post(
    '/policies',
    asyncRoute((req, res) => save(req, res, null)),
  );
  router.post(
    '/policies/:key',
    asyncRoute((req, res) => save(req, res, String(req.params.key))),
  );

  router.post(
    '/policies/:key/delete',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      readForm(req.body, []);
      const key = String(req.params.key);
      if (!(await services.config.deletePolicy(key, staffOf(res)))) return notFound(res, deps, ctx);
      res.redirect(303, `${SETTINGS_BASE}?deleted=policy:${encodeURIComponent(key)}#policies`);
    }),
  );

  router.post(
    '/policies/:key/move',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      const direction = text(readForm(req.body, [/^direction$/]), 'direction');
      // Only the index's up/down buttons post here; anything else gets the index with a 422.
      if (direction !== 'up' && direction !== 'down') throw new UnexpectedFormError('direction', 'bad_value');
      const key = String(req.params.key);
      if (!(await services.config.movePolicy(key, direction, staffOf(res)))) {
        return notFound(res, deps, ctx);
      }
      res.redirect(303, `${SETTINGS_BASE}?moved=${encodeURIComponent(key)}#policies`);
    }),
  );
  return router;
}

/** Lead policies come through the configuration document (import, API) until they have a form. */
async function leadPolicyRefused(res: Response, deps: WebDeps, ctx: PageContext): Promise<void> {
  await renderSettingsIndex(res, deps, ctx, {
    status: 409,
    error: ctx.t('settings.errors.lead_policy_form'),
  });
}
