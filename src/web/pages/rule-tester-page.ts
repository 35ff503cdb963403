import { Router, type Response } from 'express';
import type { WebDeps, PageContext } from '../web-deps';
import { pageContext } from '../web-deps';
import { renderModulePage } from '../module-page';
import { asyncRoute } from '../async-route';
import { ConfigError, METRICS, type PolicyConfig, type SlaConfig } from '../../sla/config';
import type { RuleTestResult } from '../../engine/rule-tester';
import type { LadderImpact } from '../../sla/escalation/passed-levels';
import type { NamedRow } from '../../host/host-context';
import { loadHostChoices } from '../settings/host-choices';
import {
  emptyValues,
  errorsFromIssues,
  parseDraftForm,
  QuerySchema,
  valuesFromPolicy,
  type DraftFormErrors,
  type DraftFormValues,
} from './rule-tester-form';

/** Where a tested draft can be turned into a real policy (the settings page's form). */
const NEW_POLICY_HREF = '/admin/sla_vigil/settings/policies/new';

interface PageState {
  values: DraftFormValues;
  errors: DraftFormErrors;
  result: RuleTestResult | null;
  status?: number;
  /**
   * For a draft tested in place of a policy with a ladder: what saving it would make the next scan
   * do at once (levels of that ladder already passed on open tickets).
   */
  impact?: LadderImpact | null;
}

/**
 * `/admin/sla_vigil/rule-tester`: try a draft policy (or an existing one as the starting point,
 * `?from=<key>`) against the live tickets without saving anything. GET shows the form (and the
 * result for `from`); POST tests the posted draft: 200 with the result, or 422 with the errors.
 */
export function createRuleTesterPage(deps: WebDeps): Router {
  const router = Router();
  const { host, services } = deps;
  const tester = services.ruleTester;

  router.get(
    '/',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      const query = QuerySchema.safeParse(req.query);
      const doc = await services.config.export();
      const from =
        query.success && query.data.from ? doc.policies.find((p) => p.key === query.data.from) : undefined;
      if (!query.success || (query.data.from && !from)) {
        const code = query.success ? 'unknown_policy' : (query.error.issues[0]?.message ?? 'unknown_policy');
        return render(res, ctx, doc, {
          values: emptyValues(nextPosition(doc.policies)),
          errors: { from: code },
          result: null,
          status: code === 'unknown_policy' ? 404 : 422,
        });
      }
      if (!from) {
        return render(res, ctx, doc, {
          values: emptyValues(nextPosition(doc.policies)),
          errors: {},
          result: null,
        });
      }
      const values = valuesFromPolicy(from);
      const parsed = parseDraftForm(values, { name: from.name, position: from.position });
      await test(res, ctx, doc, { ...parsed, values });
    }),
  );

  router.post(
    '/',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      const doc = await services.config.export();
      await test(
        res,
        ctx,
        doc,
        parseDraftForm(req.body, {
          name: ctx.t('rule_tester.draft_name'),
          position: nextPosition(doc.policies),
        }),
      );
    }),
  );

  /** Validates the draft with the config schema and runs it; nothing is written either way. */
  async function test(
    res: Response,
    ctx: PageContext,
    doc: SlaConfig,
    form: ReturnType<typeof parseDraftForm>,
  ): Promise<void> {
    const replaces = form.values.replaces || null;
    if (!form.draft) {
      return render(res, ctx, doc, { values: form.values, errors: form.errors, result: null, status: 422 });
    }
    const validation = await tester.validate(form.draft, replaces);
    if (!validation.ok) {
      return render(res, ctx, doc, {
        values: form.values,
        errors: errorsFromIssues(validation.issues),
        result: null,
        status: 422,
      });
    }
    const result = await tester.run(validation.policy, replaces, ctx.now);
    const replaced = doc.policies.find((p) => p.key === replaces);
    const impact = replaced?.escalations.length
      ? await services.config
          .previewPolicy(
            {
              ...validation.policy,
              key: replaced.key,
              active: replaced.active,
              escalations: replaced.escalations,
            },
            ctx.now,
          )
          // The ladder may not fit the draft (a level for a target the draft dropped): no forecast then.
          .catch((err: unknown) => {
            if (err instanceof ConfigError) return null;
            throw err;
          })
      : null;
    await render(res, ctx, doc, { values: form.values, errors: {}, result, impact });
  }

  async function render(res: Response, ctx: PageContext, doc: SlaConfig, state: PageState): Promise<void> {
    const choices = await loadHostChoices(host.tickets);
    const { departments, priorities, statuses } = choices;
    // Clients and services by name, like the policy form; a chosen id the host lacks stays listed.
    const withChosen = (rows: readonly NamedRow[], chosen: readonly string[]) => [
      ...rows,
      ...chosen
        .filter((id) => !rows.some((r) => String(r.id) === id))
        .map((id) => ({ id, name: ctx.t('settings.policy.unknown_choice', { id }) })),
    ];
    await renderModulePage(res, deps, ctx, {
      slug: 'rule_tester',
      view: 'rule-tester',
      title: ctx.t('rule_tester.title'),
      status: state.status,
      data: {
        ...state,
        impact: state.impact ?? null,
        // The view shows messages; the form and the schema give codes.
        errors: Object.fromEntries(
          Object.entries(state.errors).map(([field, code]) => [field, ctx.t(`rule_tester.errors.${code}`)]),
        ),
        policies: doc.policies,
        departments,
        priorities,
        statuses,
        clients: withChosen(choices.clients, state.values.clientIds),
        services: withChosen(choices.services, state.values.serviceIds),
        calendars: doc.calendars.map((c) => ({ key: c.key, name: c.name })),
        metrics: METRICS,
        newPolicyHref: NEW_POLICY_HREF,
      },
    });
  }

  return router;
}

/** A new draft goes after the existing policies, so among equally specific ones it ranks last. */
function nextPosition(policies: readonly PolicyConfig[]): number {
  return policies.length ? Math.max(...policies.map((p) => p.position)) + 1 : 0;
}
