import { Router } from 'express';
import { ConfigError } from '../../sla/config';
import { asyncRoute } from '../async-route';
import { pageContext, type WebDeps } from '../web-deps';
import { hasErrors, issuesToFieldErrors } from './form-errors';
import { readForm, text } from './form-values';
import { formToSettings, GENERAL_FIELDS, GENERAL_LISTS, SETTINGS_ISSUE_RULES } from './general-settings-form';
import { noticeFrom, renderSettingsIndex, SETTINGS_BASE, staffOf } from './settings-index';

/** The index page, general settings, configuration import and export. */
export function createIndexRoutes(deps: WebDeps): Router {
  const router = Router();
  const { services } = deps;

  router.get(
    '/',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      await renderSettingsIndex(res, deps, ctx, { notice: noticeFrom(req, ctx) });
    }),
  );

  router.post(
    '/general',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      const values = readForm(req.body, GENERAL_FIELDS, GENERAL_LISTS);
      const { input, errors } = formToSettings(values, ctx.t);
      if (!hasErrors(errors)) {
        try {
          await services.config.saveSettings(input, staffOf(res));
          res.redirect(303, `${SETTINGS_BASE}?saved=settings#general`);
          return;
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          Object.assign(errors, issuesToFieldErrors(err.issues, SETTINGS_ISSUE_RULES));
        }
      }
      await renderSettingsIndex(res, deps, ctx, { status: 422, general: { values, errors } });
    }),
  );

  router.post(
    '/import',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      const document = text(readForm(req.body, [/^document$/]), 'document');
      let parsed: unknown;
      try {
        parsed = JSON.parse(document);
      } catch (err) {
        const issues = [
          { path: '(json)', message: ctx.t('settings.import.bad_json', { reason: (err as Error).message }) },
        ];
        await renderSettingsIndex(res, deps, ctx, { status: 422, importForm: { text: document, issues } });
        return;
      }
      try {
        // All or nothing: the service validates the whole merged document before writing any of it.
        const counts = await services.config.import(parsed, staffOf(res));
        res.redirect(303, `${SETTINGS_BASE}?imported=${counts.calendars}:${counts.policies}`);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        await renderSettingsIndex(res, deps, ctx, {
          status: 422,
          importForm: { text: document, issues: err.issues },
        });
      }
    }),
  );

  router.get(
    '/export',
    asyncRoute(async (_req, res) => {
      const doc = await services.config.export();
      const day = deps.host.clock.now().toISOString().slice(0, 10);
      res.attachment(`sla-vigil-config-${day}.json`);
      res.type('application/json').send(`${JSON.stringify(doc, null, 2)}\n`);
    }),
  );
  return router;
}
