import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Devhost } from '../../devhost';
import { parseInput, ValidationError } from '../../validation-error';
import {
  blank,
  csrfField,
  flashRedirect,
  idParam,
  isValidationError,
  notFound,
  pageLocals,
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

const flag = z.literal('1').optional();
const StaffForm = z
  .object({
    ...csrfField,
    role: z.preprocess(blank, z.coerce.number().int().positive().optional()),
    admin: flag,
    active: flag,
    permissions: permissionsField,
  })
  .strict();

interface StaffRow {
  staffid: number;
  email: string;
  firstname: string;
  lastname: string;
  admin: number;
  active: number;
  role: number | null;
}

/** `/admin/staff` (administrators only): role, administrator flag, active, per-feature permissions. */
export function createStaffRouter(devhost: Devhost): Router {
  const router = Router();
  const p = devhost.config.tablePrefix;

  router.get('/', async (_req, res) => {
    const staff = await devhost
      .db(`${p}staff as s`)
      .leftJoin(`${p}roles as r`, 'r.roleid', 's.role')
      .where('s.is_not_staff', 0)
      .select(
        's.staffid',
        's.email',
        's.firstname',
        's.lastname',
        's.admin',
        's.active',
        'r.name as role_name',
      )
      .orderBy(['s.firstname', 's.lastname']);
    await renderPage(res, 'pages/staff-list', 'Staff', { members: staff });
  });

  router.get('/:id', async (req, res) => {
    const member = await findStaff(devhost, idParam(req, 'staffid'));
    const rows: { feature: string; capability: string }[] = await devhost
      .db(`${p}staff_permissions`)
      .where('staff_id', member.staffid);
    const granted: Grants = {};
    for (const r of rows) (granted[r.feature] ??= []).push(r.capability);
    await renderEdit(devhost, res, member, granted, []);
  });

  router.post('/:id', async (req, res) => {
    const member = await findStaff(devhost, idParam(req, 'staffid'));
    try {
      await saveStaff(devhost, req, res, member);
    } catch (err) {
      if (!isValidationError(err)) throw err;
      const body = req.body as { role?: unknown; admin?: unknown; active?: unknown; permissions?: unknown };
      const granted = permissionsField.safeParse(body.permissions);
      const entered = {
        ...member,
        role: Number(body.role) || null,
        admin: body.admin === '1' ? 1 : 0,
        active: body.active === '1' ? 1 : 0,
      };
      await renderEdit(devhost, res, entered, (granted.success && granted.data) || {}, err.errors, 422);
      return;
    }
    flashRedirect(req, res, 'success', `${member.firstname} ${member.lastname} saved`, '/admin/staff');
  });

  return router;
}

async function saveStaff(devhost: Devhost, req: Request, res: Response, member: StaffRow): Promise<void> {
  const p = devhost.config.tablePrefix;
  const form = parseInput(StaffForm, req.body);
  const grants = checkGrants(devhost.permissions.features, form.permissions ?? {});
  if (form.role !== undefined && !(await devhost.db(`${p}roles`).where('roleid', form.role).first()))
    throw ValidationError.field('role', `role ${form.role} does not exist`);
  // An administrator who demotes or deactivates themselves is locked out of this very page.
  if (member.staffid === pageLocals(res).staffId) {
    if (!form.admin) throw ValidationError.field('admin', 'you cannot remove your own administrator flag');
    if (!form.active) throw ValidationError.field('active', 'you cannot deactivate yourself');
  }
  await devhost.db.transaction(async (trx) => {
    await trx(`${p}staff`)
      .where('staffid', member.staffid)
      .update({ role: form.role ?? null, admin: form.admin ? 1 : 0, active: form.active ? 1 : 0 });
    await replaceStaffPermissions(trx, p, [member.staffid], [...devhost.permissions.features.keys()], grants);
  });
}

async function findStaff(devhost: Devhost, id: number): Promise<StaffRow> {
  const member: StaffRow | undefined = await devhost
    .db(`${devhost.config.tablePrefix}staff`)
    .where('staffid', id)
    .select('staffid', 'email', 'firstname', 'lastname', 'admin', 'active', 'role')
    .first();
  if (!member) throw notFound(`staff member ${id}`);
  return member;
}

async function renderEdit(
  devhost: Devhost,
  res: Response,
  member: StaffRow,
  granted: Grants,
  errors: FieldError[],
  status = 200,
): Promise<void> {
  const roles: { roleid: number; name: string; permissions: string | null }[] = await devhost
    .db(`${devhost.config.tablePrefix}roles`)
    .orderBy('name');
  await renderPage(
    res,
    'pages/staff-edit',
    `Staff: ${member.firstname} ${member.lastname}`,
    {
      member,
      granted,
      errors,
      features: [...devhost.permissions.features.values()],
      // The role select carries each role's grants so choosing a role can pre-fill the checkboxes.
      roles: roles.map((r) => ({ ...r, grants: JSON.stringify(parseRolePermissions(r.permissions)) })),
    },
    status,
  );
}
