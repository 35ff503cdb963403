import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Devhost } from '../../devhost';
import type { InstalledModule } from '../../module-loader';
import { parseInput, ValidationError } from '../../validation-error';
import {
  csrfField,
  flashRedirect,
  isValidationError,
  notFound,
  renderPage,
  type FieldError,
} from './page-kit';

const ActionForm = z.object({ ...csrfField }).strict();
const UninstallForm = z
  .object({ ...csrfField, confirm: z.literal('1', { message: 'tick the box to confirm uninstalling' }) })
  .strict();

type Action = 'activate' | 'deactivate' | 'uninstall';
const DONE: Record<Action, string> = {
  activate: 'activated',
  deactivate: 'deactivated',
  uninstall: 'uninstalled',
};

/** `/admin/modules` (administrators only): Perfex's Setup > Modules. */
export function createModulesRouter(devhost: Devhost): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    await renderList(devhost, res, []);
  });

  for (const action of ['activate', 'deactivate', 'uninstall'] as const) {
    router.post(`/:id/${action}`, async (req, res) => {
      const module = await findModule(devhost, String(req.params.id));
      try {
        parseInput(action === 'uninstall' ? UninstallForm : ActionForm, req.body);
        // Perfex offers uninstall only for an inactive module: its hooks must be gone first.
        if (action === 'uninstall' && module.active)
          throw ValidationError.field('active', 'deactivate the module before uninstalling it');
      } catch (err) {
        if (!isValidationError(err)) throw err;
        await renderList(devhost, res, err.errors, 422);
        return;
      }
      await run(devhost, req, res, module, action);
    });
  }

  return router;
}

async function run(
  devhost: Devhost,
  req: Request,
  res: Response,
  module: InstalledModule,
  action: Action,
): Promise<void> {
  const { id, name } = module.manifest;
  try {
    await devhost.loader[action](id);
  } catch (err) {
    // A module failing its own lifecycle is reported to the admin, not turned into a 500.
    devhost.host.logger.error({ err, module: id, action }, 'module action failed');
    flashRedirect(
      req,
      res,
      'danger',
      `${name} could not be ${DONE[action]}: ${(err as Error).message}`,
      '/admin/modules',
    );
    return;
  }
  flashRedirect(req, res, 'success', `${name} ${DONE[action]}`, '/admin/modules');
}

async function findModule(devhost: Devhost, id: string): Promise<InstalledModule> {
  const module = (await devhost.loader.list()).find((m) => m.manifest.id === id);
  if (!module) throw notFound(`module "${id}"`);
  return module;
}

async function renderList(
  devhost: Devhost,
  res: Response,
  errors: FieldError[],
  status = 200,
): Promise<void> {
  const modules = await devhost.loader.list();
  await renderPage(res, 'pages/modules', 'Modules', { modules, errors }, status);
}
