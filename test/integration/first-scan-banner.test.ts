import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { ADMIN_EMAIL, loginAs, type AdminSession } from '../helpers/admin-session';
import { MutableClock } from '../../devhost/mutable-clock';
import { createModuleServices } from '../../src/wiring/module-services';

/**
 * The demo's first minute: the devhost's own cron has started but not ticked yet, so no scan
 * could have run. The module pages say when the first scan comes instead of "the scan is not
 * running", on a fresh install and after a restart with old heartbeats, and alarm as before
 * once that time has passed without a finished scan.
 */

const START = new Date('2026-03-04T11:00:00Z');
const clock = new MutableClock(START);
// Five minutes: the real timer never fires while this file runs; the clock is moved by hand.
const CRON_MS = 5 * 60_000;
let t: TestDevhost;
let admin: AdminSession;

beforeAll(async () => {
  t = await startTestDevhost({ timezone: 'Europe/Berlin', clock, cronIntervalMs: CRON_MS });
  admin = await loginAs(t.devhost.app, ADMIN_EMAIL);
});
afterAll(() => t.close());

const after = (ms: number) => new Date(START.getTime() + ms);

async function page(path = '/admin/sla_vigil/monitor') {
  const html = (await admin.agent.get(path)).text;
  const alarm = /data-testid="sv-cron-banner" data-cause="([a-z_]+)"/.exec(html);
  const first = /data-testid="sv-first-scan" data-seconds="(\d+)">([\s\S]*?)<\/div>/.exec(html);
  const health = /data-testid="sv-monitor-health"[\s\S]*?<p class="sv-muted">([\s\S]*?)<\/p>/.exec(html);
  return {
    alarm: alarm?.[1] ?? null,
    firstScan: first ? { seconds: Number(first[1]), text: first[2].replace(/\s+/g, ' ').trim() } : null,
    health: health?.[1].replace(/\s+/g, ' ').trim() ?? null,
  };
}

describe('before the host cron has ticked once', () => {
  it('says when the first scan runs instead of the alarm, on the banner and in the monitor', async () => {
    clock.set(after(20_000));
    const shown = await page();
    expect(shown.alarm).toBeNull();
    expect(shown.firstScan).toEqual({
      seconds: 280,
      text: 'The host&#39;s cron has just started: the first scan runs in 280 seconds.',
    });
    expect(shown.health).toBe('The host&#39;s cron has just started: the first scan runs in 280 seconds.');
    // Every module page carries the banner.
    expect((await page('/admin/sla_vigil')).firstScan?.seconds).toBe(280);
  });

  it('says the first scan is running once the tick is due, for one scan interval', async () => {
    clock.set(after(CRON_MS + 30_000));
    expect(await page()).toMatchObject({ alarm: null, firstScan: { seconds: 0 } });
    expect((await page()).firstScan?.text).toContain('the first scan is running');
  });

  it('is localised', async () => {
    clock.set(after(CRON_MS - 1_000));
    await t.devhost.db('tblstaff').where('email', ADMIN_EMAIL).update({ default_language: 'german' });
    try {
      const de = await loginAs(t.devhost.app, ADMIN_EMAIL);
      const html = (await de.agent.get('/admin/sla_vigil/monitor')).text;
      expect(html).toContain('Der erste Scan läuft in 1 Sekunde.');
    } finally {
      await t.devhost.db('tblstaff').where('email', ADMIN_EMAIL).update({ default_language: 'english' });
    }
  });
});

describe('when scans really are missing', () => {
  it('alarms once the first tick and one scan interval have passed without a finished scan', async () => {
    clock.set(after(CRON_MS + 61_000));
    expect(await page()).toMatchObject({ alarm: 'never', firstScan: null });
  });

  it('after a restart, old heartbeats wait for the first tick, then say the scan is late', async () => {
    const services = createModuleServices(t.devhost.host);
    await services.heartbeats.beat('cron_tick', after(-60 * 60_000));
    await services.heartbeats.beat('scan_finished', after(-60 * 60_000));
    // A failure from before the restart is no alarm until the first tick has had its say...
    await services.heartbeats.beat('scan_failed', after(-30 * 60_000), { error: 'old' });
    t.devhost.cron.stop();
    clock.set(after(0));
    t.devhost.cron.start();
    expect(await page()).toMatchObject({ alarm: null, firstScan: { seconds: 300 } });
    // ...but one seen since the start is.
    await services.heartbeats.beat('redis_unreachable', after(1_000), { error: 'ECONNREFUSED' });
    clock.set(after(2_000));
    expect(await page()).toMatchObject({ alarm: 'redis_unreachable', firstScan: null });
    await t.devhost
      .db('tblsla_vigil_heartbeats')
      .whereIn('name', ['redis_unreachable', 'scan_failed'])
      .delete();

    clock.set(after(CRON_MS + 61_000));
    expect(await page()).toMatchObject({ alarm: 'late', firstScan: null });
  });

  it('the first finished scan ends the notice', async () => {
    t.devhost.cron.stop();
    clock.set(after(0));
    t.devhost.cron.start();
    expect((await page()).firstScan).not.toBeNull();
    await createModuleServices(t.devhost.host).scanner.run(after(10_000));
    clock.set(after(11_000));
    expect(await page()).toMatchObject({ alarm: null, firstScan: null });
    // A clean scan says when it finished, once, not "0 host rows skipped" above "No host rows skipped".
    expect((await page()).health).toMatch(/^Last finished scan: [^,]+\.$/);
  });
});
