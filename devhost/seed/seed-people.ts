import bcrypt from 'bcryptjs';
import type { Knex } from 'knex';
import { instantToHost } from '../../src/store/datetime';
import {
  COMPANIES,
  CONTACT_FIRST_NAMES,
  CONTACT_LAST_NAMES,
  DEPARTMENTS,
  ROLES,
  SERVICES,
  STAFF,
  type DepartmentName,
} from './people-data';
import type { Random } from './random';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface DemoContact {
  id: number;
  name: string;
}

export interface DemoClient {
  userid: number;
  company: string;
  vip: boolean;
  contacts: DemoContact[];
}

/** What the ticket seed needs to know about the people it has just inserted. */
export interface DemoPeople {
  departments: { id: number; name: DepartmentName }[];
  /** Staff ids per department id: who may be assigned or reply there. */
  staffByDepartment: Map<number, number[]>;
  clients: DemoClient[];
  serviceIds: number[];
  /** Staff id by email (the ladders name the team lead and the manager). */
  staffIds: ReadonlyMap<string, number>;
}

/**
 * Departments, roles, staff (with permissions and departments), clients with contacts, the VIP
 * customer group and services, in one transaction so a failed seed leaves no half-cast behind.
 * Rows go in as batches; ids are read back by a natural key rather than assumed consecutive.
 */
export async function seedPeople(
  db: Knex,
  prefix: string,
  now: Date,
  zone: string,
  rng: Random,
  password: string,
): Promise<DemoPeople> {
  const t = (name: string): string => `${prefix}${name}`;
  const ago = (days: number): string => instantToHost(new Date(now.getTime() - days * DAY_MS), zone);
  // bcrypt is deliberately slow: one hash serves every demo login (same password).
  const hash = await bcrypt.hash(password, 10);

  return db.transaction(async (trx) => {
    const existing = await trx(t('staff'))
      .whereIn(
        'email',
        STAFF.map((x) => x.email),
      )
      .first();
    if (existing) {
      throw new Error(
        `demo staff ${existing.email} exists but there are no tickets: reset the database to reseed`,
      );
    }

    await trx(t('departments')).insert(
      DEPARTMENTS.map((d) => ({ name: d.name, email: d.email, hidefromclient: 0 })),
    );
    const deptRows: { departmentid: number; email: string }[] = await trx(t('departments'))
      .select('departmentid', 'email')
      .whereIn(
        'email',
        DEPARTMENTS.map((d) => d.email),
      );
    const departments = DEPARTMENTS.map((d) => ({
      id: deptRows.find((r) => r.email === d.email)!.departmentid,
      name: d.name,
    }));
    const deptId = (name: DepartmentName): number => departments.find((d) => d.name === name)!.id;

    const roleIds = new Map<string, number>();
    for (const role of ROLES) {
      const [id] = await trx(t('roles')).insert({
        name: role.name,
        permissions: JSON.stringify(role.permissions),
      });
      roleIds.set(role.name, id);
    }

    await trx(t('staff')).insert(
      STAFF.map((x, i) => ({
        email: x.email,
        firstname: x.firstname,
        lastname: x.lastname,
        password: hash,
        datecreated: ago(400 - i * 20),
        admin: 0,
        role: roleIds.get(x.role),
        active: 1,
        default_language: x.language,
        is_not_staff: 0,
      })),
    );
    const staffRows: { staffid: number; email: string }[] = await trx(t('staff'))
      .select('staffid', 'email')
      .whereIn(
        'email',
        STAFF.map((x) => x.email),
      );
    const staffId = (email: string): number => staffRows.find((r) => r.email === email)!.staffid;

    const permissionRows = STAFF.flatMap((x) => {
      const permissions = ROLES.find((r) => r.name === x.role)!.permissions;
      return Object.entries(permissions).flatMap(([feature, capabilities]) =>
        capabilities.map((capability) => ({ staff_id: staffId(x.email), feature, capability })),
      );
    });
    if (permissionRows.length) await trx(t('staff_permissions')).insert(permissionRows);

    const staffByDepartment = new Map<number, number[]>(departments.map((d) => [d.id, []]));
    const memberships = STAFF.flatMap((x) =>
      x.departments.map((d) => ({ staffid: staffId(x.email), departmentid: deptId(d) })),
    );
    for (const m of memberships) staffByDepartment.get(m.departmentid)!.push(m.staffid);
    await trx(t('staff_departments')).insert(memberships);

    const clients = await insertClients(trx, t, ago, rng);

    const [groupId] = await trx(t('customers_groups')).insert({ name: 'VIP' });
    await trx(t('customer_groups')).insert(
      clients.filter((c) => c.vip).map((c) => ({ groupid: groupId, customer_id: c.userid })),
    );

    const serviceIds: number[] = [];
    for (const name of SERVICES) {
      const [id] = await trx(t('services')).insert({ name });
      serviceIds.push(id);
    }
    const staffIds = new Map(staffRows.map((r) => [r.email, r.staffid]));
    return { departments, staffByDepartment, clients, serviceIds, staffIds };
  });
}

/** 20 companies, each with a primary contact and sometimes a second one. */
async function insertClients(
  trx: Knex.Transaction,
  t: (name: string) => string,
  ago: (days: number) => string,
  rng: Random,
): Promise<DemoClient[]> {
  await trx(t('clients')).insert(
    COMPANIES.map(([company]) => ({ company, active: 1, datecreated: ago(rng.int(90, 900)) })),
  );
  const clientRows: { userid: number; company: string }[] = await trx(t('clients'))
    .select('userid', 'company')
    .whereIn(
      'company',
      COMPANIES.map(([company]) => company),
    );

  const contacts: {
    userid: number;
    is_primary: number;
    firstname: string;
    lastname: string;
    email: string;
    datecreated: string;
  }[] = [];
  const usedNames = new Set<string>();
  for (const [company] of COMPANIES) {
    const userid = clientRows.find((r) => r.company === company)!.userid;
    const domain = `${company
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')}.example`;
    const count = rng.chance(0.45) ? 2 : 1;
    for (let i = 0; i < count; i++) {
      let first: string;
      let last: string;
      do {
        first = rng.pick(CONTACT_FIRST_NAMES);
        last = rng.pick(CONTACT_LAST_NAMES);
      } while (usedNames.has(`${first} ${last}`));
      usedNames.add(`${first} ${last}`);
      contacts.push({
        userid,
        is_primary: i === 0 ? 1 : 0,
        firstname: first,
        lastname: last,
        email: `${first}.${last}@${domain}`.toLowerCase(),
        datecreated: ago(rng.int(30, 90)),
      });
    }
  }
  await trx(t('contacts')).insert(contacts);
  const contactRows: { id: number; email: string }[] = await trx(t('contacts'))
    .select('id', 'email')
    .whereIn(
      'email',
      contacts.map((c) => c.email),
    );

  return COMPANIES.map(([company, vip]) => {
    const userid = clientRows.find((r) => r.company === company)!.userid;
    return {
      userid,
      company,
      vip,
      contacts: contacts
        .filter((c) => c.userid === userid)
        .map((c) => ({
          id: contactRows.find((r) => r.email === c.email)!.id,
          name: `${c.firstname} ${c.lastname}`,
        })),
    };
  });
}
