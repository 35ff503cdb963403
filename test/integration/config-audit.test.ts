import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { loginAs, type AdminSession } from '../helpers/admin-session';
import { insertStaffWithCapabilities, STAFF_PASSWORD } from '../helpers/host-fixtures';
import { readCsv } from '../helpers/csv-reader';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { decode } from '../helpers/settings-html';

/**
 * Every configuration change is audited with the document before and after it, and the audit
 * page and CSV show what changed as "field: old → new" lines, escaped and in the viewer's language.
 */

let t: TestDevhost;
let admin: AdminSession;
let services: ModuleServices;
const BASE = '/admin/sla_vigil/settings';
const XSS = '<b>bold</b>';

function policyForm(key: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    key,
    name: 'Gold',
    active: '1',
    calendar: '',
    'match.priorityIds': ['3'],
    'targets.resolution.amount': '60',
    'targets.resolution.unit': 'minutes',
    'targets.resolution.warnType': '',
    'targets.resolution.warnValue': '',
    pauseStatusIds: ['3', '4'],
    ...extra,
  };
}

async function auditRows(
  action: string,
): Promise<{ staff_id: number | null; details: Record<string, unknown> }[]> {
  const rows = await t.devhost.db('tblsla_vigil_audit_log').where('action', action).orderBy('id');
  return rows.map((r: { staff_id: number | null; details: string }) => ({
    staff_id: r.staff_id,
    details: JSON.parse(r.details),
  }));
}

const diffLines = (html: string): string[] =>
  [...html.matchAll(/<li data-change="(\w+)">([^<]*)<\/li>/g)].map((m) => `${m[1]} ${decode(m[2])}`);

beforeAll(async () => {
  t = await startTestDevhost();
  services = createModuleServices(t.devhost.host);
  admin = await loginAs(t.devhost.app, 'admin@example.com');
  await admin.agent.get('/admin');
});
afterAll(() => t.close());

describe('configuration changes are audited with before and after', () => {
  it('a policy created and edited through the form: the row holds both documents, the page shows the diff', async () => {
    expect((await admin.post(`${BASE}/policies`, policyForm('gold'))).status).toBe(303);
    const edited = await admin.post(
      `${BASE}/policies/gold`,
      policyForm('gold', { name: `Gold ${XSS}`, 'targets.resolution.amount': '30' }),
    );
    expect(edited.status).toBe(303);
    const [created, changed] = await auditRows('config.save_policy');
    expect(created.details.before).toBeNull();
    expect(created.details.after).toMatchObject({
      key: 'gold',
      name: 'Gold',
      targets: { resolution: { minutes: 60 } },
    });
    expect(changed.staff_id).toBe(1);
    expect(changed.details).toMatchObject({
      key: 'gold',
      before: { name: 'Gold', targets: { resolution: { minutes: 60 } } },
      after: { name: `Gold ${XSS}`, targets: { resolution: { minutes: 30 } } },
    });

    const page = await admin.agent.get('/admin/sla_vigil/audit?action=config.save_policy').expect(200);
    expect(page.text).not.toContain(XSS);
    expect(page.text).toContain('Name: Gold → Gold &lt;b&gt;bold&lt;/b&gt;');
    const lines = diffLines(page.text);
    expect(lines).toContain('changed Targets › Resolution › Minutes: 60 → 30');
    // The creation reads field by field.
    expect(lines).toContain('added Targets › Resolution › Minutes: added 60');
    expect(lines).toContain('added Match › Priorities: added High');

    const csv = await admin.agent
      .get('/admin/sla_vigil/audit/export.csv?action=config.save_policy')
      .buffer(true);
    const [, newest] = readCsv(csv.text);
    expect(newest[5]).toBe(
      `Policy: Gold ${XSS} (gold); Name: Gold → Gold ${XSS}; Targets › Resolution › Minutes: 60 → 30`,
    );
  });

  it('a policy changed through the JSON API: the same before and after', async () => {
    const csrf = await admin.csrf();
    const res = await admin.agent
      .put('/admin/sla_vigil/api/policies/gold')
      .set('x-csrf-token', csrf)
      .send({ name: 'Gold 2', match: { priorityIds: [3] }, targets: { resolution: { minutes: 45 } } });
    expect(res.status).toBe(200);
    const rows = await auditRows('config.save_policy');
    expect(rows.at(-1)?.details).toMatchObject({
      before: { name: `Gold ${XSS}`, targets: { resolution: { minutes: 30 } } },
      after: { name: 'Gold 2', targets: { resolution: { minutes: 45 } } },
    });
    const page = await admin.agent.get('/admin/sla_vigil/audit?action=config.save_policy').expect(200);
    expect(diffLines(page.text)[0]).toBe('changed Name: Gold <b>bold</b> → Gold 2');
    expect(diffLines(page.text)).toContain('changed Targets › Resolution › Minutes: 30 → 45');
  });

  it('calendars, settings, moves, deletes and imports record what they changed', async () => {
    const calendar = { key: 'office', name: 'Office', timezone: 'Europe/Berlin', holidays: ['2026-12-25'] };
    await services.config.saveCalendar(calendar, 1);
    await services.config.saveCalendar({ ...calendar, holidays: ['2026-12-26'] }, 1);
    await services.config.saveSettings({ cooldownMinutes: 30 }, 1);
    await services.config.savePolicy(
      { key: 'silver', name: 'Silver', targets: { resolution: { minutes: 90 } }, position: 1 },
      1,
    );
    await services.config.movePolicy('silver', 'up', 1);
    // The CLI's import: no staff member; only what changed is recorded.
    await services.config.import({
      calendars: [{ ...calendar, holidays: ['2026-12-26'] }],
      policies: [{ key: 'silver', name: 'Silver', targets: { resolution: { minutes: 120 } }, position: 0 }],
    });
    await services.config.deletePolicy('silver', 1);

    const [, calendarEdit] = await auditRows('config.save_calendar');
    expect(calendarEdit.details).toMatchObject({
      before: { holidays: ['2026-12-25'] },
      after: { holidays: ['2026-12-26'] },
    });
    const [settings] = await auditRows('config.save_settings');
    expect(settings.details).toMatchObject({
      before: { cooldownMinutes: 60 },
      after: { cooldownMinutes: 30 },
    });
    const [move] = await auditRows('config.move_policy');
    expect(move.details).toEqual({
      key: 'silver',
      direction: 'up',
      before: { order: ['gold', 'silver'] },
      after: { order: ['silver', 'gold'] },
    });
    const [imported] = await auditRows('config.import');
    expect(imported.staff_id).toBeNull();
    expect(imported.details).toEqual({
      calendars: 1,
      policies: 1,
      before: {
        calendars: {},
        policies: { silver: expect.objectContaining({ targets: { resolution: { minutes: 90 } } }) },
      },
      after: {
        calendars: {},
        policies: { silver: expect.objectContaining({ targets: { resolution: { minutes: 120 } } }) },
      },
    });
    const [deleted] = await auditRows('config.delete_policy');
    expect(deleted.details).toMatchObject({ key: 'silver', before: { name: 'Silver' }, after: null });

    const page = await admin.agent.get('/admin/sla_vigil/audit').expect(200);
    const lines = diffLines(page.text);
    for (const line of [
      'removed Holidays: removed 2026-12-25',
      'added Holidays: added 2026-12-26',
      'changed Escalation cooldown (minutes): 60 → 30',
      // Policies by their name now; silver is deleted, so its key stands in.
      'changed Order: Gold 2, silver → silver, Gold 2',
      'changed Policies › silver › Targets › Resolution › Minutes: 90 → 120',
      'removed Name: removed Silver',
    ])
      expect(lines).toContain(line);
  });

  it('the diff is worded in the viewer language', async () => {
    await insertStaffWithCapabilities(t.devhost.db, 'de@x.test', STAFF_PASSWORD, ['manage'], {
      default_language: 'german',
    });
    const de = await loginAs(t.devhost.app, 'de@x.test');
    const page = await de.agent.get('/admin/sla_vigil/audit?action=config.save_policy').expect(200);
    expect(diffLines(page.text)).toContain('changed Zielzeiten › Lösung › Minuten: 30 → 45');
    expect(diffLines(page.text)).toContain('added Zielzeiten › Lösung › Minuten: hinzugefügt 60');
  });
});
