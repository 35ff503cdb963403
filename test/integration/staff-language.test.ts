import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { insertStaff } from '../helpers/host-fixtures';
import { createPerfexHostParts } from '../../src/host/perfex/perfex-host-parts';

// PERFEX.md: a staff member's NULL or empty default_language means the option active_language,
// so escalation mail and widgets speak the install's language, not English, to such staff.
let t: TestDevhost;
beforeAll(async () => {
  t = await startTestDevhost();
});
afterAll(() => t.close());

it('an empty or NULL default_language reads as the install’s active_language; a set one stays', async () => {
  const db = t.devhost.db;
  await db('tbloptions').where('name', 'active_language').delete();
  await db('tbloptions').insert({ name: 'active_language', value: 'german', autoload: 1 });
  const [department] = await db('tbldepartments').insert({ name: 'Support' });
  const empty = await insertStaff(db, 'erna.empty@x.test', 'pw123456', { default_language: '' });
  const unset = await insertStaff(db, 'nils.null@x.test', 'pw123456', { default_language: null });
  const own = await insertStaff(db, 'sara.spanish@x.test', 'pw123456', { default_language: 'spanish' });
  for (const staffid of [empty, unset, own])
    await db('tblstaff_departments').insert({ staffid, departmentid: department });
  const { tickets } = await createPerfexHostParts(db, 'tbl');
  const languages = async (list: { id: number; defaultLanguage: string }[]) =>
    Object.fromEntries(
      list.filter((s) => [empty, unset, own].includes(s.id)).map((s) => [s.id, s.defaultLanguage]),
    );
  const expected = { [empty]: 'german', [unset]: 'german', [own]: 'spanish' };
  expect(await languages(await tickets.listStaff())).toEqual(expected);
  expect(await languages(await tickets.listDepartmentStaff(department))).toEqual(expected);
  // Without the option, English.
  await db('tbloptions').where('name', 'active_language').delete();
  expect((await tickets.listStaff()).find((s) => s.id === empty)?.defaultLanguage).toBe('english');
});
