/**
 * Perfex stores a ticket's service as 0 when an admin leaves it empty and NULL from the client
 * portal (PERFEX.md): both are "no service". Neither the host read, nor a snapshot stored before
 * that read normalised it, nor a settings save that leaves it empty may record a service change.
 */
import pino from 'pino';
import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { MutableClock } from '../../devhost/mutable-clock';
import { createPerfexHostParts } from '../../src/host/perfex/perfex-host-parts';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';

const clock = new MutableClock(new Date('2026-05-04T08:00:00Z'));
let t: TestDevhost;
let services: ModuleServices;
let department: number;

beforeAll(async () => {
  t = await startTestDevhost({ clock });
  const db = t.devhost.db;
  [department] = await db('tbldepartments').insert({ name: 'Support' });
  const parts = await createPerfexHostParts(db, 'tbl');
  services = createModuleServices({
    db,
    tablePrefix: 'tbl',
    timezone: parts.timezone,
    tickets: parts.tickets,
    clock,
    logger: pino({ level: 'silent' }),
    mail: { smtpUrl: 'smtp://127.0.0.1:9', from: 'sla@localhost', adminBaseUrl: 'http://localhost' },
  });
});
afterAll(async () => {
  await services.mailer.close();
  await t.close();
});

it('service 0 reads as none: no service change from the reconcile or an empty settings save', async () => {
  const db = t.devhost.db;
  const id = await t.devhost.tickets.create({ subject: 'A', message: 'a', department, admin: 1 });
  // What Perfex's admin form stores, and what a snapshot stored before the read normalised it holds.
  await db('tbltickets').where('ticketid', id).update({ service: 0 });
  await db('tblsla_vigil_subjects').where('subject_id', id).update({ service: 0 });
  clock.set(new Date('2026-05-04T08:05:00Z'));
  await services.scanner.run(clock.now());
  await services.recorder.settingsUpdated({
    ticket_id: id,
    original_ticket: { ...(await t.devhost.tickets.getRow(id)), service: 0 },
    data: { service: 0 },
  });
  const types = (await services.timeline.forSubject('ticket', id)).map((e) => e.eventType);
  expect(types).toEqual(['created']);
});
