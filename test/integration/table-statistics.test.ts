import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import { Scanner } from '../../src/scan/scanner';
import { TableStatistics } from '../../src/store/table-statistics';

// After a bulk write the optimizer may plan with the statistics of a nearly empty table (the host's
// list sorted by SLA then 2.4x as slow at 100 000 tickets): a scan that recomputed many subjects
// resamples them.
const clock = new MutableClock(new Date('2026-03-03T08:00:00Z'));
let t: TestDevhost;
let services: ModuleServices;
let department: number;
let contactId: number;

beforeAll(async () => {
  t = await startTestDevhost({ clock });
  const db = t.devhost.db;
  [department] = await db('tbldepartments').insert({ name: 'Support' });
  const [userid] = await db('tblclients').insert({ company: 'acme', datecreated: '2026-01-01 00:00:00' });
  [contactId] = await db('tblcontacts').insert({
    userid,
    firstname: 'C',
    lastname: 'x',
    email: 'c@x.test',
    datecreated: '2026-01-01 00:00:00',
  });
  services = createModuleServices(t.devhost.host);
  await services.config.import({
    policies: [
      {
        key: 'p',
        name: 'P',
        calendar: null,
        targets: { first_response: { minutes: 60 }, resolution: { minutes: 480 } },
      },
    ],
  });
});
afterAll(() => t.close());

/** What InnoDB's persistent statistics say of the clocks' (subject, scope) prefix. */
async function sampledSubjects(): Promise<number> {
  const rows: { stat_value: number | string }[] = await t.devhost
    .db('mysql.innodb_index_stats')
    .whereRaw('database_name = DATABASE()')
    .where({
      table_name: 'tblsla_vigil_clocks',
      index_name: 'tblslav_clocks_scope_cycle',
      stat_name: 'n_diff_pfx02',
    })
    .select('stat_value');
  return Number(rows[0]?.stat_value ?? 0);
}

class CountedStatistics extends TableStatistics {
  readonly asked: number[] = [];
  override async refreshAfter(recomputed: number): Promise<boolean> {
    this.asked.push(recomputed);
    return super.refreshAfter(recomputed);
  }
}

it('resamples the subjects and clocks statistics after a scan that recomputed at least the threshold', async () => {
  // Written straight into the host's table (a helpdesk the module meets for the first time): the
  // scan's reconcile finds and recomputes them.
  for (let i = 0; i < 12; i++)
    await t.devhost.db('tbltickets').insert({
      subject: `S${i}`,
      message: 'm',
      department,
      contactid: contactId,
      priority: 1,
      status: 1,
      date: '2026-03-03 07:00:00',
      ticketkey: `k${i}`,
    });
  const statistics = new CountedStatistics(t.devhost.db, 'tbl', 10);
  const scanner = new Scanner(
    services.reconciler,
    services.clocks,
    t.devhost.host.logger,
    undefined,
    undefined,
    undefined,
    undefined,
    'perform',
    undefined,
    undefined,
    undefined,
    statistics,
  );
  await scanner.run(clock.now());
  expect(statistics.asked).toEqual([12]);
  expect(await sampledSubjects()).toBe(12);

  // A scan over unchanged data recomputes nothing and leaves them alone.
  await scanner.run(clock.now());
  expect(statistics.asked).toEqual([12, 0]);
});

it('leaves the statistics alone below the threshold (the default: 10 000 recomputes)', async () => {
  const statistics = new TableStatistics(t.devhost.db, 'tbl');
  expect(await statistics.refreshAfter(9_999)).toBe(false);
  expect(await statistics.refreshAfter(10_000)).toBe(true);
});
