import bcrypt from 'bcryptjs';
import type { Knex } from 'knex';

/** Host rows for tests: staff and tickets written straight into Perfex's tables. */

/** Inserts a non-admin, active staff member (cheap bcrypt cost: tests only) and returns the id. */
export async function insertStaff(
  db: Knex,
  email: string,
  password: string,
  extra: Record<string, unknown> = {},
): Promise<number> {
  const [first, last] = email.split('@')[0].split('.');
  const [id] = await db('tblstaff').insert({
    email,
    firstname: cap(first),
    lastname: cap(last ?? 'Staff'),
    password: await bcrypt.hash(password, 4),
    datecreated: '2026-01-01 00:00:00',
    admin: 0,
    active: 1,
    ...extra,
  });
  return id;
}

/** The password tests give the staff they add (see loginAs in admin-session.ts). */
export const STAFF_PASSWORD = 'pw123456';

/**
 * Inserts a staff member as insertStaff does and grants them these SLA Vigil capabilities
 * (`['view']`, `['manage']`, or `[]` for a staff member without access); returns the id.
 */
export async function insertStaffWithCapabilities(
  db: Knex,
  email: string,
  password: string,
  capabilities: readonly string[],
  extra: Record<string, unknown> = {},
): Promise<number> {
  const staffId = await insertStaff(db, email, password, extra);
  for (const capability of capabilities) {
    await db('tblstaff_permissions').insert({ staff_id: staffId, feature: 'sla_vigil', capability });
  }
  return staffId;
}

/**
 * Adds the staff a permission test signs in as, one per access level, all with STAFF_PASSWORD:
 * viewer@x.test (view), manager@x.test (manage) and `noAccessEmail` (no SLA Vigil capability).
 */
export async function insertStaffPerAccessLevel(db: Knex, noAccessEmail = 'agent@x.test'): Promise<void> {
  await insertStaffWithCapabilities(db, 'viewer@x.test', STAFF_PASSWORD, ['view']);
  await insertStaffWithCapabilities(db, 'manager@x.test', STAFF_PASSWORD, ['manage']);
  await insertStaffWithCapabilities(db, noAccessEmail, STAFF_PASSWORD, []);
}

function cap(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Inserts `count` open tickets straight into Perfex's table (no hooks), all opened at `date` (host wall clock). */
export async function insertOpenTickets(
  db: Knex,
  count: number,
  department: number,
  date: string,
): Promise<void> {
  const rows = Array.from({ length: count }, (_, i) => ({
    subject: `T${i}`,
    message: 'm',
    department,
    priority: 2,
    status: 1,
    date,
    ticketkey: 'k',
  }));
  for (let i = 0; i < rows.length; i += 1000) await db('tbltickets').insert(rows.slice(i, i + 1000));
}
