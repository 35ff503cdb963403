import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Devhost } from '../../devhost';
import { parseInput } from '../../validation-error';
import {
  csrfField,
  flashRedirect,
  idParam,
  isValidationError,
  notFound,
  renderPage,
  type FieldError,
} from './page-kit';
import {
  checkGrants,
  parseRolePermissions,
  permissionsField,
  replaceStaffPermissions,
  type Grants,
} from './permission-form';

const roleName = z.string().trim().min(1, 'name is required').max(150);
const NewRoleForm = z.object({ ...csrfField, name: roleName }).strict();
const EditRoleForm = z
  .object({
    ...csrfField,
    name: roleName,
    permissions: permissionsField,
    update_staff: z.literal('1').optional(),
  })
  .strict();

interface RoleRow {
  roleid: number;
  name: string;
  permissions: string | null;
}

/** `/admin/roles` (administrators only): Perfex's Setup > Staff > Roles. */
export function createRolesRouter(devhost: Devhost): Router {
  const router = Router();
  const roles = () => devhost.db(`${devhost.config.tablePrefix}roles`);

  router.get('/', async (_req, res) => {
    await renderList(devhost, res, { name: '' }, []);
  });

  router.post('/', async (req, res) => {
    try {
      const form = parseInput(NewRoleForm, req.body);
      const [id] = await roles().insert({ name: form.name, permissions: '{}' });
      flashRedirect(req, res, 'success', `Role "${form.name}" created`, `/admin/roles/${id}`);
    } catch (err) {
      if (!isValidationError(err)) throw err;
      await renderList(
        devhost,
        res,
        { name: String((req.body as { name?: unknown }).name ?? '') },
        err.errors,
        422,
      );
    }
  });

  router.get('/:id', async (req, res) => {
    const role = await findRole(devhost, idParam(req, 'roleid'));
    await renderEdit(
      devhost,
      res,
      role,
      { name: role.name, granted: parseRolePermissions(role.permissions) },
      [],
    );
  });

  router.post('/:id', async (req, res) => {
    const role = await findRole(devhost, idParam(req, 'roleid'));
    try {
      await saveRole(devhost, req, role);
    } catch (err) {
      if (!isValidationError(err)) throw err;
      const body = req.body as { name?: unknown; permissions?: unknown };
      const granted = permissionsField.safeParse(body.permissions);
      await renderEdit(
        devhost,
        res,
        role,
        { name: String(body.name ?? ''), granted: (granted.success && granted.data) || {} },
        err.errors,
        422,
      );
      return;
    }
    flashRedirect(req, res, 'success', 'Role saved', `/admin/roles/${role.roleid}`);
  });

  return router;
}

async function saveRole(devhost: Devhost, req: Request, role: RoleRow): Promise<void> {
  const prefix = devhost.config.tablePrefix;
  const form = parseInput(EditRoleForm, req.body);
  const features = devhost.permissions.features;
  const grants = checkGrants(features, form.permissions ?? {});
  // Keep grants for features no active module registers: a deactivated module keeps its role setup.
  const kept = Object.fromEntries(
    Object.entries(parseRolePermissions(role.permissions)).filter(([f]) => !features.has(f)),
  );
  await devhost.db.transaction(async (trx) => {
    await trx(`${prefix}roles`)
      .where('roleid', role.roleid)
      .update({ name: form.name, permissions: JSON.stringify({ ...kept, ...grants }) });
    if (form.update_staff) {
      const staffIds: number[] = await trx(`${prefix}staff`).where('role', role.roleid).pluck('staffid');
      await replaceStaffPermissions(trx, prefix, staffIds, [...features.keys()], grants);
    }
  });
}

async function findRole(devhost: Devhost, id: number): Promise<RoleRow> {
  const role: RoleRow | undefined = await devhost
    .db(`${devhost.config.tablePrefix}roles`)
    .where('roleid', id)
    .first();
  if (!role) throw notFound(`role ${id}`);
  return role;
}

async function renderList(
  devhost: Devhost,
  res: Response,
  values: { name: string },
  errors: FieldError[],
  status = 200,
): Promise<void> {
  const p = devhost.config.tablePrefix;
  const roles = await devhost
    .db(`${p}roles as r`)
    .leftJoin(`${p}staff as s`, 's.role', 'r.roleid')
    .groupBy('r.roleid', 'r.name')
    .select('r.roleid', 'r.name')
    .count({ staff_count: 's.staffid' })
    .orderBy('r.name');
  await renderPage(res, 'pages/roles-list', 'Roles', { roles, values, errors }, status);
}

async function renderEdit(
  devhost: Devhost,
  res: Response,
  role: RoleRow,
  values: { name: string; granted: Grants },
  errors: FieldError[],
  status = 200,
): Promise<void> {
  const staffCount = await devhost
    .db(`${devhost.config.tablePrefix}staff`)
    .where('role', role.roleid)
    .count({ n: '*' });
  await renderPage(
    res,
    'pages/role-edit',
    `Role: ${role.name}`,
    {
      role,
      values,
      errors,
      features: [...devhost.permissions.features.values()],
      granted: values.granted,
      staffCount: Number(staffCount[0].n),
    },
    status,
  );
}
