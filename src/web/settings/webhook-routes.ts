import { Router, type Request, type Response } from 'express';
import { ConfigError, type WebhookConfig } from '../../sla/config';
import { asyncRoute } from '../async-route';
import { renderModulePage } from '../module-page';
import { pageContext, type PageContext, type WebDeps } from '../web-deps';
import { addError, hasErrors, issuesToFieldErrors, type FieldErrors } from './form-errors';
import { formView } from './form-view';
import { readForm, text, type FormValues } from './form-values';
import { SETTINGS_BASE, staffOf } from './settings-index';
import {
  formToWebhook,
  resolvedUrlProblem,
  WEBHOOK_FIELDS,
  WEBHOOK_ISSUE_RULES,
  webhookToForm,
} from './webhook-form';
import type { PostOutcome } from '../../notify/webhook/webhook-poster';

const BASE = `${SETTINGS_BASE}/webhooks`;

interface ListState {
  status?: number;
  notice?: string | null;
  error?: string | null;
  test?: { key: string; outcome: PostOutcome } | null;
}

/** The endpoints, who uses them, the last test's answer and the recent deliveries. */
async function renderList(res: Response, deps: WebDeps, ctx: PageContext, state: ListState = {}) {
  const [config, deliveries] = await Promise.all([
    deps.services.config.load(),
    deps.services.webhooks.repository.recentDeliveries(),
  ]);
  const usedBy = (key: string) =>
    config.policies
      .filter((p) => p.escalations.some((e) => e.action.type === 'webhook' && e.action.webhook === key))
      .map((p) => p.name);
  await renderModulePage(res, deps, ctx, {
    slug: 'settings',
    view: 'settings-webhooks',
    status: state.status,
    title: ctx.t('settings.webhooks.title'),
    data: {
      settingsBase: SETTINGS_BASE,
      base: BASE,
      webhooks: config.webhooks.map((w) => ({ ...w, usedBy: usedBy(w.key) })),
      deliveries,
      notice: state.notice ?? null,
      listError: state.error ?? null,
      test: state.test ?? null,
    },
  });
}

interface FormState {
  editing: string | null;
  values: FormValues;
  errors?: FieldErrors;
  status?: number;
}

async function renderForm(res: Response, deps: WebDeps, ctx: PageContext, state: FormState) {
  await renderModulePage(res, deps, ctx, {
    slug: 'settings',
    view: 'settings-webhook',
    status: state.status,
    title: ctx.t(state.editing ? 'settings.webhooks.edit_title' : 'settings.webhooks.new_title'),
    data: {
      base: BASE,
      editing: state.editing,
      action: state.editing ? `${BASE}/${encodeURIComponent(state.editing)}` : BASE,
      form: formView(state.values, state.errors),
      formats: ['json', 'slack', 'teams'],
    },
  });
}

/**
 * `settings/webhooks` (manage, checked by the admin router; CSRF by the host): list, add, edit and
 * delete endpoints, send a signed test, and the recent deliveries. Secrets are write-only.
 */
export function createWebhookRoutes(deps: WebDeps): Router {
  const router = Router();
  const { services } = deps;
  const find = async (key: string): Promise<WebhookConfig | undefined> =>
    (await services.config.load()).webhooks.find((w) => w.key === key);
  const notFound = async (res: Response, ctx: PageContext) =>
    renderList(res, deps, ctx, { status: 404, error: ctx.t('settings.webhooks.not_found') });

  router.get(
    '/webhooks',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      const saved = typeof req.query.saved === 'string' ? req.query.saved : null;
      const deleted = typeof req.query.deleted === 'string' ? req.query.deleted : null;
      const notice = saved
        ? ctx.t('settings.webhooks.saved', { key: saved })
        : deleted
          ? ctx.t('settings.webhooks.deleted', { key: deleted })
          : null;
      await renderList(res, deps, ctx, { notice });
    }),
  );

  router.get(
    '/webhooks/new',
    asyncRoute(async (_req, res) => {
      const ctx = await pageContext(res, deps);
      await renderForm(res, deps, ctx, { editing: null, values: webhookToForm(undefined) });
    }),
  );

  router.get(
    '/webhooks/:key/edit',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      const webhook = await find(String(req.params.key));
      if (!webhook) return notFound(res, ctx);
      await renderForm(res, deps, ctx, { editing: webhook.key, values: webhookToForm(webhook) });
    }),
  );

  const save = async (req: Request, res: Response, editing: string | null) => {
    const ctx = await pageContext(res, deps);
    const typed = readForm(req.body, WEBHOOK_FIELDS);
    // An existing endpoint keeps its key: ladders refer to it.
    const values: FormValues = editing ? { ...typed, key: editing } : typed;
    if (editing && !(await find(editing))) return notFound(res, ctx);
    const { input, errors } = formToWebhook(values, editing !== null, ctx.t);
    if (!editing && (await find(text(values, 'key'))))
      addError(errors, 'key', ctx.t('settings.errors.key_taken'));
    if (!errors.url) {
      const problem = await resolvedUrlProblem(String(input.url), input.allowPrivateAddress === true);
      if (problem) addError(errors, 'url', ctx.t(`settings.webhooks.url_errors.${problem}`));
    }
    if (!hasErrors(errors)) {
      try {
        const saved = await services.config.saveWebhook(input, staffOf(res));
        res.redirect(303, `${BASE}?saved=${encodeURIComponent(saved.key)}`);
        return;
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        Object.assign(errors, issuesToFieldErrors(err.issues, WEBHOOK_ISSUE_RULES, ctx.t));
      }
    }
    // The secret typed is never sent back to the browser.
    await renderForm(res, deps, ctx, { editing, values: { ...values, secret: '' }, errors, status: 422 });
  };

  router.post(
    '/webhooks',
    asyncRoute((req, res) => save(req, res, null)),
  );
  router.post(
    '/webhooks/:key',
    asyncRoute((req, res) => save(req, res, String(req.params.key))),
  );

  router.post(
    '/webhooks/:key/delete',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      readForm(req.body, []);
      const key = String(req.params.key);
      try {
        if (!(await services.config.deleteWebhook(key, staffOf(res)))) return notFound(res, ctx);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        const webhook = await find(key);
        const policies = (await services.config.load()).policies
          .filter((p) => p.escalations.some((e) => e.action.type === 'webhook' && e.action.webhook === key))
          .map((p) => p.key)
          .join(', ');
        return renderList(res, deps, ctx, {
          status: 409,
          error: ctx.t('settings.webhooks.in_use', { key: webhook?.name ?? key, policies }),
        });
      }
      res.redirect(303, `${BASE}?deleted=${encodeURIComponent(key)}`);
    }),
  );

  router.post(
    '/webhooks/:key/test',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      readForm(req.body, []);
      const key = String(req.params.key);
      const outcome = await services.webhooks.sendTest(key);
      if (!outcome) return notFound(res, ctx);
      await services.audit.write({
        action: 'webhook.test',
        staffId: staffOf(res),
        details: {
          key,
          ...(outcome.kind === 'answered' ? { statusCode: outcome.statusCode } : { error: outcome.error }),
        },
      });
      await renderList(res, deps, ctx, { test: { key, outcome } });
    }),
  );
  return router;
}
