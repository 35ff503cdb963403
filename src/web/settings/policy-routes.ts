import { Router, type Request, type Response } from 'express';
import { ConfigError, ESCALATION_TRIGGERS } from '../../sla/config';
import type { MatchField } from '../../sla/config/subject-types';
import type { NamedRow } from '../../host/host-context';
import { asyncRoute } from '../async-route';
import { renderModulePage } from '../module-page';
import { pageContext, type PageContext, type WebDeps } from '../web-deps';
import { notFound } from './calendar-routes';
import { renderSettingsIndex } from './settings-index';
import { addError, hasErrors, issuesToFieldErrors, type FieldErrors } from './form-errors';
import { formView } from './form-view';
import { rawList, readForm, text, UnexpectedFormError, type FormValues } from './form-values';
import {
  ACTION_TARGET,
  checkMatchIds,
  checkStatusLimits,
  escalationRowCount,
  formToPolicy,
  internalRowCount,
  policyFields,
  policyIssueRules,
  policyLists,
  policyToForm,
  postedStatusLimits,
  statusLimitIds,
  TARGET_METRICS_OF,
} from './policy-form';
import { POLICY_KINDS, type KindChoices, type PolicyKind } from './policy-kinds';
import { levelReach } from './level-reach';
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

/** A choice the host does not have (a deleted client, or a refused value), named by its id. */
const unknownChoice = (id: string, t: PageContext['t']) => ({
  id,
  name: t('settings.policy.unknown_choice', { id }),
});

/**
 * The options of each match list: the host's names, then any chosen id the host does not have
 * (a deleted client, or a refused value), so the form shows what is stored or was sent.
 */
function matchOptions(
  choices: KindChoices,
  values: FormValues,
  t: PageContext['t'],
): Partial<Record<MatchField, { id: string; name: string }[]>> {
  const out: Partial<Record<MatchField, { id: string; name: string }[]>> = {};
  for (const [f, hostRows] of Object.entries(choices.match) as [MatchField, NamedRow[]][]) {
    const rows = hostRows.map((r) => ({ id: String(r.id), name: r.name }));
    const ids = new Set(rows.map((r) => r.id));
    const missing = rawList(values, `match.${f}`).filter((id) => !ids.has(id));
    out[f] = [...rows, ...missing.map((id) => unknownChoice(id, t))];
  }
  return out;
}

/**
 * The rows of the status limits: every host status a subject can stay in (not one where its
 * clocks end: a closed ticket, a converted lead owes nothing), then any status id the form holds
 * that is not offered (a deleted status, or a refused value), so the form shows what is stored or
 * was sent.
 */
function statusLimitRows(
  choices: KindChoices,
  values: FormValues,
  t: PageContext['t'],
): { id: string; name: string }[] {
  const rows = choices.statuses
    .filter((s) => !choices.ending.has(s.id))
    .map((s) => ({ id: String(s.id), name: s.name || `#${s.id}` }));
  const ids = new Set(rows.map((r) => r.id));
  const hostName = new Map(choices.statuses.map((s) => [String(s.id), s.name]));
  const missing = statusLimitIds(values)
    .map(String)
    .filter((id) => !ids.has(id));
  return [
    ...rows,
    ...missing.map((id) => {
      const name = hostName.get(id);
      return name ? { id, name } : unknownChoice(id, t);
    }),
  ];
}

async function renderPolicyForm(
  res: Response,
  deps: WebDeps,
  ctx: PageContext,
  kind: PolicyKind,
  choices: KindChoices,
  state: PolicyFormState,
) {
  const [config, book] = await Promise.all([deps.services.config.load(), deps.services.clocks.policyBook()]);
  const rows = escalationRowCount(state.values);
  // Lead texts that differ from the ticket ones live under `settings.lead.*`; the rest are shared.
  const kt = (key: string, options?: Record<string, unknown>): string =>
    kind.subject === 'ticket'
      ? ctx.t(`settings.${key}`, options)
      : ctx.t([`settings.${kind.subject}.${key}`, `settings.${key}`], options);
  const base = `${SETTINGS_BASE}/${kind.path}`;
  await renderModulePage(res, deps, ctx, {
    slug: 'settings',
    view: 'settings-policy',
    status: state.status,
    title: kt(state.editing ? 'policy.edit_title' : 'policy.new_title'),
    data: {
      base: SETTINGS_BASE,
      kt,
      subject: kind.subject,
      anchor: kind.anchor,
      editing: state.editing,
      action: state.editing ? `${base}/${encodeURIComponent(state.editing)}` : base,
      form: formView(state.values, state.errors),
      rows,
      reach: await levelReach(state.values, rows, {
        tickets: deps.host.tickets,
        book,
        now: ctx.now,
        lang: ctx.lang,
        hostZone: ctx.zone,
        t: ctx.t,
      }),
      // Internal targets (OLA) are for tickets: team rows, each team by department or staff by name.
      internalRows: kind.subject === 'ticket' ? internalRowCount(state.values) : 0,
      teamDepartments: choices.departments,
      teamStaff: choices.staff,
      calendars: config.calendars,
      defaultWarnAtPercent: config.settings.defaultWarnAtPercent,
      pauseStatuses: choices.pauseStatuses,
      matchOptions: matchOptions(choices, state.values, ctx.t),
      metrics: TARGET_METRICS_OF[kind.subject],
      statusLimits: statusLimitRows(choices, state.values, ctx.t),
      escalationMetrics: kind.escalationMetrics,
      triggers: ESCALATION_TRIGGERS,
      actions: kind.actions,
      targetFields: kind.targetFields.map((f) => [
        f,
        {
          staffId: choices.staff,
          departmentId: choices.departments,
          priorityId: choices.priorities,
          rota: config.onCall.map((r) => ({ id: r.key, name: r.name })),
          // Webhooks are chosen by key; the select shows their names.
          webhook: config.webhooks.map((w) => ({ id: w.key, name: w.name })),
        }[f],
        kind.emptyTarget?.[f] ? ctx.t(kind.emptyTarget[f]) : '—',
      ]),
      actionTarget: ACTION_TARGET,
      impact: state.impact ?? null,
    },
  });
}

/** The new/edit form routes of one kind of policy, under `/<kind.path>`. */
function addPolicyFormRoutes(router: Router, deps: WebDeps, kind: PolicyKind): void {
  const { services } = deps;
  /** The kind's choices, or a 404 page when the host has no subjects of this kind. */
  const choicesOr404 = async (res: Response, ctx: PageContext): Promise<KindChoices | null> => {
    const choices = await kind.choices(deps);
    if (!choices) await notFound(res, deps, ctx);
    return choices;
  };

  router.get(
    `/${kind.path}/new`,
    asyncRoute(async (_req, res) => {
      const ctx = await pageContext(res, deps);
      const choices = await choicesOr404(res, ctx);
      if (!choices) return;
      const { settings } = await services.config.load();
      await renderPolicyForm(res, deps, ctx, kind, choices, {
        editing: null,
        values: policyToForm(undefined, settings, kind.subject),
      });
    }),
  );

  router.get(
    `/${kind.path}/:key/edit`,
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      const config = await services.config.export();
      const policy = config.policies.find((p) => p.key === req.params.key);
      if (!policy) return notFound(res, deps, ctx);
      if (policy.subject !== kind.subject) return otherKindRefused(res, deps, ctx, policy.subject);
      const choices = await choicesOr404(res, ctx);
      if (!choices) return;
      await renderPolicyForm(res, deps, ctx, kind, choices, {
        editing: policy.key,
        values: policyToForm(policy, config.settings, kind.subject),
      });
    }),
  );

  const save = async (req: Request, res: Response, editing: string | null) => {
    const ctx = await pageContext(res, deps);
    const typed = readForm(req.body, policyFields(kind.subject), policyLists(kind.subject));
    const values = editing ? { ...typed, key: editing } : typed;
    const policies = (await services.config.export()).policies;
    const existing = editing ? policies.find((p) => p.key === editing) : undefined;
    if (editing && !existing) return notFound(res, deps, ctx);
    // Each form writes its own kind: saved over a policy of the other kind it would turn it into one.
    if (existing && existing.subject !== kind.subject)
      return otherKindRefused(res, deps, ctx, existing.subject);
    const choices = await choicesOr404(res, ctx);
    if (!choices) return;
    // A new policy goes last in the evaluation order; an edited one keeps its place.
    const position = existing?.position ?? Math.max(-1, ...policies.map((p) => p.position)) + 1;
    const { input, errors, rowOf, internalRowOf } = formToPolicy(values, ctx.t, position, kind.subject);
    checkMatchIds(
      input.match as Partial<Record<MatchField, number[]>>,
      choices.match,
      existing?.match,
      errors,
      ctx.t,
    );
    checkStatusLimits(
      postedStatusLimits(input),
      choices.statuses,
      choices.ending,
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
    const render = (state: Omit<PolicyFormState, 'editing' | 'values'>) =>
      renderPolicyForm(res, deps, ctx, kind, choices, { editing, values, ...state });
    let impact: LadderImpact | undefined;
    if (!hasErrors(errors)) {
      try {
        // Levels already passed on open subjects would fire at once: say so before saving, and
        // save only once the manager has chosen between firing and skipping them.
        if (text(values, '_action') === 'preview' || choice === '') {
          impact = await services.config.previewPolicy(input, ctx.now);
          if (text(values, '_action') === 'preview') return await render({ impact });
          if (impact.levels > 0) addError(errors, 'passedLevels', ctx.t('settings.policy.passed.required'));
        }
        if (!hasErrors(errors)) {
          const saved = await services.config.savePolicy(input, staffOf(res), {
            passedLevels: isPassedLevelChoice(choice) ? choice : undefined,
          });
          res.redirect(303, `${SETTINGS_BASE}?saved=policy:${encodeURIComponent(saved.key)}#${kind.anchor}`);
          return;
        }
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        Object.assign(errors, issuesToFieldErrors(err.issues, policyIssueRules(rowOf, internalRowOf), ctx.t));
      }
    }
    await render({ errors, status: 422, impact });
  };

  router.post(
    `/${kind.path}`,
    asyncRoute((req, res) => save(req, res, null)),
  );
  router.post(
    `/${kind.path}/:key`,
    asyncRoute((req, res) => save(req, res, String(req.params.key))),
  );
}

/**
 * New/edit forms of each kind of policy (tickets at `/policies`, leads at `/lead-policies`),
 * delete, and moving a policy up or down the evaluation order (these two for either kind).
 */
export function createPolicyRoutes(deps: WebDeps): Router {
  const router = Router();
  const { services } = deps;
  for (const kind of POLICY_KINDS) addPolicyFormRoutes(router, deps, kind);
  /** Where a policy is listed on the index, so the page opens at the list it changed. */
  const listAnchor = async (key: string): Promise<string> => {
    const policy = (await services.config.load()).policies.find((p) => p.key === key);
    return (POLICY_KINDS.find((k) => k.subject === policy?.subject) ?? POLICY_KINDS[0]).anchor;
  };

  router.post(
    '/policies/:key/delete',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      readForm(req.body, []);
      const key = String(req.params.key);
      const anchor = await listAnchor(key);
      if (!(await services.config.deletePolicy(key, staffOf(res)))) return notFound(res, deps, ctx);
      res.redirect(303, `${SETTINGS_BASE}?deleted=policy:${encodeURIComponent(key)}#${anchor}`);
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
      res.redirect(303, `${SETTINGS_BASE}?moved=${encodeURIComponent(key)}#${await listAnchor(key)}`);
    }),
  );
  return router;
}

/** A policy of the other kind: its own form edits it (a form saves only its own kind). */
async function otherKindRefused(
  res: Response,
  deps: WebDeps,
  ctx: PageContext,
  subject: string,
): Promise<void> {
  await renderSettingsIndex(res, deps, ctx, {
    status: 409,
    error: ctx.t(
      subject === 'lead' ? 'settings.errors.lead_policy_form' : 'settings.errors.ticket_policy_form',
    ),
  });
}
