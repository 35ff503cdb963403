import bcrypt from 'bcryptjs';
import type { Knex } from 'knex';

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

function cap(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
