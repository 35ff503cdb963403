import { z } from 'zod';
import type { Knex } from 'knex';
import type { Capability } from '../../../src/host/host-context';
import type { RegisteredFeature } from '../../../src/host/perfex/perfex-permissions';
import { ValidationError } from '../../validation-error';
import { formList } from './page-kit';

/** Capabilities per feature, as tblroles.permissions stores them: `{feature: [capability, ...]}`. */
export type Grants = Record<string, string[]>;

/** `permissions[<feature>][]=<capability>` checkboxes, parsed by qs into an object of lists. */
export const permissionsField = z
  .preprocess(
    (v) => (v === undefined || v === '' ? {} : v),
    z.record(z.string(), z.preprocess(formList, z.array(z.string()))),
  )
  .optional();

/** Only registered features and their capabilities may be granted; anything else names the field. */
export function checkGrants(features: ReadonlyMap<string, RegisteredFeature>, grants: Grants): Grants {
  const clean: Grants = {};
  for (const [feature, capabilities] of Object.entries(grants)) {
    const known = features.get(feature);
    if (!known) throw ValidationError.field(`permissions.${feature}`, 'is not a registered feature');
    const unknown = capabilities.filter((c) => !known.capabilities.includes(c as Capability));
    if (unknown.length)
      throw ValidationError.field(`permissions.${feature}`, `unknown capability ${unknown.join(', ')}`);
    if (capabilities.length) clean[feature] = [...new Set(capabilities)];
  }
  return clean;
}

/** tblroles.permissions as JSON; anything unreadable counts as no permissions. */
export function parseRolePermissions(json: string | null): Grants {
  try {
    const value: unknown = JSON.parse(json ?? '{}');
    const parsed = z.record(z.string(), z.array(z.string())).safeParse(value);
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/**
 * Replaces the given staff members' rows for the registered features; rows for features no active
 * module registers (a deactivated module's) are kept, so reactivating restores them.
 */
export async function replaceStaffPermissions(
  trx: Knex.Transaction,
  prefix: string,
  staffIds: number[],
  features: string[],
  grants: Grants,
): Promise<void> {
  if (staffIds.length === 0 || features.length === 0) return;
  await trx(`${prefix}staff_permissions`).whereIn('staff_id', staffIds).whereIn('feature', features).delete();
  const rows = staffIds.flatMap((staffId) =>
    features.flatMap((feature) =>
      (grants[feature] ?? []).map((capability) => ({ staff_id: staffId, feature, capability })),
    ),
  );
  if (rows.length) await trx(`${prefix}staff_permissions`).insert(rows);
}
