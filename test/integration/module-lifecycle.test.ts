import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { rebuildUrgency } from '../../src/store/urgency-repository';
import { HOST_TABLES } from '../../devhost/schema';
import { migrateLatest, migrationStatus } from '../../src/store/migrator';
import { MIGRATIONS } from '../../migrations';
import * as sla from '../../src/index';
import { manifest } from '../../src/manifest';
import { OutboxRepository } from '../../src/notify/outbox-repository';
import { composeEscalationEmail, renderEscalationEmail } from '../../src/notify/escalation-email';
import { createTranslator } from '../../src/i18n/translator';
import { escalationEmailInputs } from '../helpers/escalation-email-inputs';

let t: TestDevhost;
const MODULE_TABLES = [
  'tblsla_vigil_timeline',
  'tblsla_vigil_audit_log',
  'tblsla_vigil_calendars',
  'tblsla_vigil_policies',
  'tblsla_vigil_settings',
  'tblsla_vigil_clocks',
  'tblsla_vigil_subjects',
  'tblsla_vigil_cursors',
  'tblsla_vigil_escalations',
  'tblsla_vigil_outbox',
  'tblsla_vigil_mail_skeletons',
  'tblsla_vigil_deliveries',
  'tblsla_vigil_heartbeats',
  'tblsla_vigil_bridge_nonces',
  'tblsla_vigil_webhooks',
  'tblsla_vigil_digest_periods',
  'tblsla_vigil_staff_schedules',
  'tblsla_vigil_on_call_rotas',
];

beforeAll(async () => {
  t = await startTestDevhost();
  const [department] = await t.devhost.db('tbldepartments').insert({ name: 'Support' });
  await t.devhost.tickets.create({ subject: 'First', message: 'm', department, admin: 1 });
});
afterAll(() => t.close());

async function hostSnapshot(): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {};
  for (const table of HOST_TABLES) {
    const rows = await t.devhost.db(`tbl${table}`).select();
    snapshot[table] = JSON.stringify(rows);
  }
  return snapshot;
}

/** The audit log's details column: the newest migration widens it to MEDIUMTEXT. */
async function detailsType(): Promise<string> {
  const [rows] = await t.devhost.db.raw(
    `SELECT DATA_TYPE AS type FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'tblsla_vigil_audit_log' AND COLUMN_NAME = 'details'`,
  );
  return String((rows as { type: string }[])[0].type).toLowerCase();
}

/** Whether the table has an index of that name (the forecast's due-time index is the newest migration). */
async function hasIndex(table: string, index: string): Promise<boolean> {
  const [rows] = await t.devhost.db.raw(
    `SELECT COUNT(*) AS n FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME = ?`,
    [table, index],
  );
  return Number((rows as { n: unknown }[])[0].n) > 0;
}

describe('migrations', () => {
  it('go down and up again with data present, one step at a time', async () => {
    const db = t.devhost.db;
    const before = await db('tblsla_vigil_timeline').count({ n: '*' });
    expect(Number(before[0].n)).toBeGreaterThan(0);
    await db('tblsla_vigil_audit_log').insert({ action: 'test', created_at: '2026-01-01 00:00:00.000' });
    await db('tblsla_vigil_bridge_nonces').insert({
      nonce: 'a'.repeat(32),
      expires_at: '2026-01-01 00:10:00.000',
    });

    await db('tblsla_vigil_staff_schedules').insert({
      staff_id: 1,
      calendar_key: null,
      timezone: 'Europe/Berlin',
      updated_at: '2026-01-01 00:00:00.000',
    });

    // Roll back only the newest migration, then the ones before: the older tables and their rows stay.
    const down = () =>
      db.migrate.down({ tableName: 'tblsla_vigil_migrations', migrationSource: sourceFor() });
    // An escalation email kept as skeleton and values gets its body back going down.
    const [input] = escalationEmailInputs(1, 5);
    const translator = createTranslator();
    const email = await composeEscalationEmail(input, translator, 'de');
    if (!('skeleton' in email)) throw new Error('expected a skeleton email');
    const at = new Date('2026-01-01T00:00:00Z');
    await db.transaction((trx) =>
      new OutboxRepository(db, 'tbl').insert(
        [
          {
            escalationId: 999,
            subjectType: 'ticket',
            subjectId: 999,
            recipientStaffId: 1,
            recipientEmail: 'a@example.com',
            language: 'de',
            subject: email.subject,
            html: '',
            text: '',
            skeleton: { stored: email.skeleton, values: email.values },
            state: 'pending',
            createdAt: at,
          },
        ],
        trx,
      ),
    );
    expect(await db.schema.hasTable('tblsla_vigil_mail_skeletons')).toBe(true);
    await down();
    expect(await db.schema.hasTable('tblsla_vigil_mail_skeletons')).toBe(false);
    expect(await db.schema.hasColumn('tblsla_vigil_outbox', 'skeleton_hash')).toBe(false);
    const { html, text } = await renderEscalationEmail(input, translator, 'de');
    expect(await db('tblsla_vigil_outbox').where('escalation_id', 999).first('html', 'text')).toEqual({
      html,
      text,
    });
    expect(await db.schema.hasTable('tblsla_vigil_rollup_monitor')).toBe(true);
    await down();
    expect(await db.schema.hasTable('tblsla_vigil_rollup_monitor')).toBe(false);
    expect(await db.schema.hasColumn('tblsla_vigil_rollup_live', 'list_rank')).toBe(false);
    expect(await db.schema.hasTable('tblsla_vigil_rollup_days')).toBe(true);
    await down();
    expect(await db.schema.hasTable('tblsla_vigil_rollup_days')).toBe(false);
    expect(await hasIndex('tblsla_vigil_subjects', 'tblslav_subjects_monitor')).toBe(true);
    await down();
    expect(await db.schema.hasColumn('tblsla_vigil_subjects', 'urgency_rank')).toBe(false);
    expect(await hasIndex('tblsla_vigil_subjects', 'tblslav_subjects_monitor')).toBe(false);
    expect(await hasIndex('tblsla_vigil_escalations', 'tblslav_escalations_outcome')).toBe(true);
    await down();
    expect(await hasIndex('tblsla_vigil_escalations', 'tblslav_escalations_outcome')).toBe(false);
    expect(await db.schema.hasTable('tblsla_vigil_digest_periods')).toBe(true);
    await down();
    expect(await db.schema.hasTable('tblsla_vigil_digest_periods')).toBe(false);
    await db('tblsla_vigil_webhooks').insert({
      key: 'chat',
      name: 'Chat',
      url: 'https://hooks.example.com/x',
      secret: 's'.repeat(16),
      format: 'json',
      updated_at: '2026-01-01 00:00:00.000',
    });
    await down();
    expect(await db.schema.hasTable('tblsla_vigil_webhooks')).toBe(false);
    await down();
    expect(await db.schema.hasTable('tblsla_vigil_staff_schedules')).toBe(false);
    expect(await db.schema.hasTable('tblsla_vigil_on_call_rotas')).toBe(false);
    expect(await db.schema.hasColumn('tblsla_vigil_clocks', 'scope')).toBe(true);
    await down();
    expect(await db.schema.hasColumn('tblsla_vigil_clocks', 'scope')).toBe(false);
    expect(await hasIndex('tblsla_vigil_clocks', 'tblslav_clocks_due')).toBe(true);
    await down();
    expect(await hasIndex('tblsla_vigil_clocks', 'tblslav_clocks_due')).toBe(false);
    expect(await db.schema.hasColumn('tblsla_vigil_outbox', 'channel')).toBe(true);
    await down();
    expect(await db.schema.hasColumn('tblsla_vigil_outbox', 'channel')).toBe(false);
    expect(await db.schema.hasColumn('tblsla_vigil_subjects', 'country')).toBe(true);
    await down();
    expect(await db.schema.hasColumn('tblsla_vigil_subjects', 'country')).toBe(false);
    expect(await db.schema.hasColumn('tblsla_vigil_policies', 'subject')).toBe(true);
    await db.migrate.down({ tableName: 'tblsla_vigil_migrations', migrationSource: sourceFor() });
    expect(await db.schema.hasColumn('tblsla_vigil_policies', 'subject')).toBe(false);
    expect(await db.schema.hasColumn('tblsla_vigil_clocks', 'status')).toBe(true);
    await db.migrate.down({ tableName: 'tblsla_vigil_migrations', migrationSource: sourceFor() });
    expect(await db.schema.hasColumn('tblsla_vigil_clocks', 'status')).toBe(false);
    expect(await db.schema.hasTable('tblsla_vigil_bridge_nonces')).toBe(true);
    await db.migrate.down({ tableName: 'tblsla_vigil_migrations', migrationSource: sourceFor() });
    expect(await db.schema.hasTable('tblsla_vigil_bridge_nonces')).toBe(false);
    expect(await db.schema.hasColumn('tblsla_vigil_clocks', 'met_minutes')).toBe(true);
    await db.migrate.down({ tableName: 'tblsla_vigil_migrations', migrationSource: sourceFor() });
    expect(await db.schema.hasColumn('tblsla_vigil_clocks', 'met_minutes')).toBe(false);
    expect(await db.schema.hasColumn('tblsla_vigil_subjects', 'clocks_event_id')).toBe(false);
    expect(await db('tblsla_vigil_timeline').count({ n: '*' })).toEqual(before);
    expect(await db('tblsla_vigil_audit_log').where('action', 'test').count({ n: '*' })).toEqual([{ n: 1 }]);

    expect(await migrateLatest(db, 'tbl')).toEqual(MIGRATIONS.slice(-16).map(([name]) => name));
    expect(await migrateLatest(db, 'tbl')).toEqual([]);
    // The urgency backfill over the subjects present is what the module's own refresh writes.
    const urgency = () =>
      db('tblsla_vigil_subjects')
        .select(
          'subject_type',
          'subject_id',
          'urgency_rank',
          'urgency_due',
          'urgency_metric',
          'urgency_cycle',
        )
        .select('urgency_breach_at', 'urgency_risk_at', 'list_rank', 'monitor_group')
        .orderBy(['subject_type', 'subject_id']);
    const backfilled = await urgency();
    expect(backfilled.length).toBeGreaterThan(0);
    await rebuildUrgency(db, 'tbl', 'ticket');
    await rebuildUrgency(db, 'tbl', 'lead');
    expect(await urgency()).toEqual(backfilled);
    expect((await migrationStatus(db, 'tbl')).pending).toEqual([]);
    expect(await db('tblsla_vigil_timeline').count({ n: '*' })).toEqual(before);
    // Subjects computed before it saw their whole timeline: their ended cycles count as settled.
    const [subject] = await db('tblsla_vigil_subjects').select('subject_id', 'clocks_event_id');
    const [{ last }] = await db('tblsla_vigil_timeline')
      .where('subject_id', subject.subject_id)
      .max({ last: 'id' });
    expect(Number(subject.clocks_event_id)).toBe(Number(last));
  });

  it('a newer version applies only the migrations it adds', async () => {
    const db = t.devhost.db;
    const newest = MIGRATIONS[MIGRATIONS.length - 1][0];
    // Pretend the installed version predates the newest migration.
    await db('tblsla_vigil_migrations').where('name', newest).delete();
    await MIGRATIONS[MIGRATIONS.length - 1][1].down(db, 'tbl');
    const timelineBefore = await db('tblsla_vigil_timeline').count({ n: '*' });

    await t.devhost.loader.deactivate('sla_vigil');
    await t.devhost.loader.activate('sla_vigil');
    expect((await migrationStatus(db, 'tbl')).done).toEqual(MIGRATIONS.map(([name]) => name));
    expect(await db.schema.hasColumn('tblsla_vigil_clocks', 'met_minutes')).toBe(true);
    expect(await detailsType()).toBe('mediumtext');
    expect(await db.schema.hasTable('tblsla_vigil_bridge_nonces')).toBe(true);
    expect(await db.schema.hasColumn('tblsla_vigil_clocks', 'status')).toBe(true);
    expect(await db.schema.hasColumn('tblsla_vigil_policies', 'subject')).toBe(true);
    expect(await db.schema.hasColumn('tblsla_vigil_subjects', 'ended')).toBe(true);
    expect(await db.schema.hasTable('tblsla_vigil_digest_periods')).toBe(true);
    expect(await db.schema.hasTable('tblsla_vigil_rollup_live')).toBe(true);
    expect(await db.schema.hasColumn('tblsla_vigil_outbox', 'dedupe_key')).toBe(true);
    expect(await hasIndex('tblsla_vigil_clocks', 'tblslav_clocks_due')).toBe(true);
    expect(await db.schema.hasColumn('tblsla_vigil_clocks', 'scope')).toBe(true);
    expect(await db.schema.hasTable('tblsla_vigil_mail_skeletons')).toBe(true);
    expect(await db('tblsla_vigil_timeline').count({ n: '*' })).toEqual(timelineBefore);
  });
});

describe('lifecycle', () => {
  it('activating twice is a no-op', async () => {
    expect(t.devhost.hooks.count('ticket_created')).toBe(1);
    await sla.activate(t.devhost.host);
    await t.devhost.loader.activate('sla_vigil');
    expect(t.devhost.hooks.count('ticket_created')).toBe(1);
    expect(t.devhost.admin.routers.size).toBe(1);
    expect(t.devhost.admin.menu.size).toBe(manifest.menu.length);
    expect([...t.devhost.admin.columns.keys()]).toEqual(['sla_vigil']);
    expect([...t.devhost.admin.panels.keys()]).toEqual(['sla_vigil']);
    expect([...t.devhost.admin.leadListColumns.keys()]).toEqual(['sla_vigil']);
    expect([...t.devhost.admin.leadPanels.keys()]).toEqual(['sla_vigil']);
    expect([...t.devhost.admin.widgets.keys()]).toEqual(['sla_vigil_my_risks']);
  });

  it('deactivate unregisters everything and keeps the data; reactivate finds it intact', async () => {
    const db = t.devhost.db;
    const events = await db('tblsla_vigil_timeline').select().orderBy('id');
    await t.devhost.loader.deactivate('sla_vigil');
    for (const event of ['ticket_created', 'after_ticket_reply_added', 'after_cron_run'] as const) {
      expect(t.devhost.hooks.count(event)).toBe(0);
    }
    expect(t.devhost.admin.routers.size + t.devhost.admin.menu.size).toBe(0);
    expect(t.devhost.admin.columns.size + t.devhost.admin.panels.size).toBe(0);
    expect(t.devhost.admin.leadListColumns.size + t.devhost.admin.leadPanels.size).toBe(0);
    expect(t.devhost.admin.widgets.size).toBe(0);
    expect(t.devhost.permissions.features.has('sla_vigil')).toBe(false);
    expect((await db('tblmodules').where('module_name', 'sla_vigil').first()).active).toBe(0);

    // A ticket created while the module is off is not recorded (the reconcile scan will find it).
    const [department] = await db('tbldepartments').pluck('departmentid');
    const missed = await t.devhost.tickets.create({
      subject: 'While off',
      message: 'm',
      department,
      admin: 1,
    });
    expect(await db('tblsla_vigil_timeline').where('subject_id', missed).count({ n: '*' })).toEqual([
      { n: 0 },
    ]);

    await t.devhost.loader.activate('sla_vigil');
    expect(await db('tblsla_vigil_timeline').select().orderBy('id')).toEqual(events);
    expect(t.devhost.hooks.count('ticket_created')).toBe(1);
    expect(t.devhost.admin.menu.has('sla_vigil')).toBe(true);
    expect(t.devhost.admin.widgets.has('sla_vigil_my_risks')).toBe(true);
  });

  it('uninstall drops the module tables and leaves every host table untouched', async () => {
    const before = await hostSnapshot();
    await t.devhost.loader.deactivate('sla_vigil');
    await t.devhost.loader.uninstall('sla_vigil');
    for (const table of [...MODULE_TABLES, 'tblsla_vigil_migrations', 'tblsla_vigil_migrations_lock']) {
      expect(await t.devhost.db.schema.hasTable(table)).toBe(false);
    }
    const after = await hostSnapshot();
    // tblmodules loses only the module's own row, as Perfex's uninstall does.
    expect(JSON.parse(after.modules)).toEqual(
      JSON.parse(before.modules).filter((m: { module_name: string }) => m.module_name !== 'sla_vigil'),
    );
    delete before.modules;
    delete after.modules;
    expect(after).toEqual(before);
  });

  it('can be installed again after uninstall', async () => {
    await t.devhost.loader.activate('sla_vigil');
    for (const table of MODULE_TABLES) expect(await t.devhost.db.schema.hasTable(table)).toBe(true);
  });
});

/** The module's migration source, for a single-step rollback. */
function sourceFor() {
  return {
    getMigrations: async () => [...MIGRATIONS],
    getMigrationName: ([name]: (typeof MIGRATIONS)[number]) => name,
    getMigration: async ([, m]: (typeof MIGRATIONS)[number]) => ({
      up: (k: Parameters<typeof m.up>[0]) => m.up(k, 'tbl'),
      down: (k: Parameters<typeof m.down>[0]) => m.down(k, 'tbl'),
    }),
  };
}
