import { Router } from 'express';
import type { TFunction } from 'i18next';
import { ConfigError } from '../../sla/config';
import { asyncRoute } from '../async-route';
import { pageContext, type WebDeps } from '../web-deps';
import { hasErrors, issuesToFieldErrors } from './form-errors';
import { readForm, text } from './form-values';
import { formToSettings, GENERAL_FIELDS, GENERAL_LISTS, SETTINGS_ISSUE_RULES } from './general-settings-form';
import { translateIssues } from './issue-messages';
import { DuplicateKeyError, parseStrictJson } from '../../sla/strict-json';
import { withoutBom } from '../../sla/strict-input';
import { noticeFrom, renderSettingsIndex, SETTINGS_BASE, staffOf } from './settings-index';
import { isPassedLevelChoice } from '../../sla/escalation/passed-levels';
import { UnexpectedFormError } from './form-values';

/** The index page, general settings, configuration import and export. */
export function createIndexRoutes(deps: WebDeps): Router {
  const router = Router();
  const { services } = deps;

  router.get(
    '/',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      const config = await services.config.load();
      const notice = await noticeFrom(req, ctx, config, (kind, key) =>
        services.auditQueries.deletedName(kind, key),
      );
      await renderSettingsIndex(res, deps, ctx, { notice });
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
          Object.assign(errors, issuesToFieldErrors(err.issues, SETTINGS_ISSUE_RULES, ctx.t));
        }
      }
      await renderSettingsIndex(res, deps, ctx, { status: 422, general: { values, errors } });
    }),
  );

  router.post(
    '/import',
    asyncRoute(async (req, res) => {
      const ctx = await pageContext(res, deps);
      const form = readForm(req.body, [/^document$/, /^passedLevels$/]);
      const document = text(form, 'document');
      const choice = text(form, 'passedLevels');
      // Only the form's two radio buttons post this field.
      if (choice !== '' && !isPassedLevelChoice(choice))
        throw new UnexpectedFormError('passedLevels', 'bad_value');
      let parsed: unknown;
      try {
        // A file saved by an editor that writes a byte order mark reads the same as one without.
        parsed = parseStrictJson(document);
      } catch (err) {
        const issues =
          err instanceof DuplicateKeyError
            ? translateIssues([{ path: err.path, message: err.message }], ctx.t)
            : [{ path: '(json)', message: jsonErrorMessage(withoutBom(document), err as Error, ctx.t) }];
        await renderSettingsIndex(res, deps, ctx, { status: 422, importForm: { text: document, issues } });
        return;
      }
      try {
        // Levels already passed on open tickets would fire at once: ask before importing.
        if (!isPassedLevelChoice(choice)) {
          const impact = await services.config.previewImport(parsed, ctx.now);
          if (impact.levels > 0) {
            await renderSettingsIndex(res, deps, ctx, {
              status: 422,
              importForm: { text: document, issues: [], impact },
            });
            return;
          }
        }
        // All or nothing: the service validates the whole merged document before writing any of it.
        const counts = await services.config.import(parsed, staffOf(res), {
          passedLevels: isPassedLevelChoice(choice) ? choice : undefined,
        });
        res.redirect(303, `${SETTINGS_BASE}?imported=${counts.calendars}:${counts.policies}`);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        await renderSettingsIndex(res, deps, ctx, {
          status: 422,
          importForm: { text: document, issues: translateIssues(err.issues, ctx.t) },
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

/**
 * Where the JSON breaks, in the viewer's language: the parser's own message is English, but the
 * position it names (`at position 12`, V8's wording) is turned into a line and column.
 */
function jsonErrorMessage(document: string, err: Error, t: TFunction): string {
  const at = /position (\d+)/.exec(err.message);
  if (!at) return t('settings.import.bad_json');
  const before = document.slice(0, Number(at[1])).split('\n');
  return t('settings.import.bad_json_at', { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 });
}
