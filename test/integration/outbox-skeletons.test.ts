import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { OutboxRepository, type NewOutboxRow } from '../../src/notify/outbox-repository';
import { composeEscalationEmail } from '../../src/notify/escalation-email';
import { createTranslator } from '../../src/i18n/translator';
import { renderEscalationEmailOracle } from '../helpers/escalation-email-oracle';
import { escalationEmailInputs } from '../helpers/escalation-email-inputs';

/**
 * Escalation emails of the module's own template reach the outbox as a skeleton key and values
 * (issue 14: the tick no longer writes ~4 kB of body per row); the sender fills them when it
 * claims them. What it claims must be the bytes the eager render (kept as the oracle) wrote.
 */
const NOW = new Date('2026-03-03T08:00:00.000Z');
const translator = createTranslator();

let t: TestDevhost;

beforeAll(async () => {
  t = await startTestDevhost();
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.devhost.db('tblsla_vigil_outbox').delete();
});

const insert = (outbox: OutboxRepository, rows: NewOutboxRow[]): Promise<void> =>
  t.devhost.db.transaction((trx) => outbox.insert(rows, trx));

function rowOf(i: number, email: Awaited<ReturnType<typeof composeEscalationEmail>>): NewOutboxRow {
  return {
    escalationId: i + 1,
    subjectType: 'ticket',
    subjectId: i + 1,
    recipientStaffId: 7,
    recipientEmail: 'ada@example.com',
    language: 'en',
    ...('skeleton' in email
      ? {
          subject: email.subject,
          html: '',
          text: '',
          skeleton: { stored: email.skeleton, values: email.values },
        }
      : email),
    state: 'pending',
    createdAt: NOW,
  };
}

it('claims escalation emails filled from their stored skeleton, byte for byte as the eager render wrote them', async () => {
  const inputs = escalationEmailInputs(150, 4242);
  const languages = ['en', 'de', 'es'];
  const expected = [];
  const rows: NewOutboxRow[] = [];
  for (const [i, input] of inputs.entries()) {
    const language = languages[i % 3];
    const email = await composeEscalationEmail(input, translator, language);
    expect('skeleton' in email).toBe(true);
    rows.push(rowOf(i, email));
    expected.push(await renderEscalationEmailOracle(input, translator, language));
  }
  await insert(new OutboxRepository(t.devhost.db, 'tbl'), rows);
  // Written again (a second worker, a repeat after a crash): no row and no skeleton twice.
  await insert(new OutboxRepository(t.devhost.db, 'tbl'), rows);

  // The row keeps no body; the skeletons are few (one per language and shape).
  const stored = await t.devhost.db('tblsla_vigil_outbox').orderBy('id');
  expect(stored).toHaveLength(150);
  expect(stored.every((r) => r.html === '' && r.text === '' && r.skeleton_hash !== null)).toBe(true);
  const skeletons = await t.devhost.db('tblsla_vigil_mail_skeletons').count({ n: '*' });
  expect(Number(skeletons[0].n)).toBeGreaterThan(1);
  expect(Number(skeletons[0].n)).toBeLessThan(60);

  // A sender process of its own (nothing cached) reads the skeletons back from the table.
  const claimed = await new OutboxRepository(t.devhost.db, 'tbl').claimDue(NOW, 1000);
  expect(claimed).toHaveLength(150);
  const byId = new Map(claimed.map((c) => [c.escalationId, c]));
  for (const [i, want] of expected.entries()) {
    const got = byId.get(i + 1);
    expect({ subject: got?.subject, html: got?.html, text: got?.text }).toEqual(want);
  }
});

it('sends a row written with its body (before the skeletons, a host-edited template) as it is', async () => {
  const outbox = new OutboxRepository(t.devhost.db, 'tbl');
  const [input] = escalationEmailInputs(1, 7);
  const email = await composeEscalationEmail(input, translator, 'en');
  await insert(outbox, [
    {
      ...rowOf(0, email),
      subject: 'Old',
      html: '<p>old body</p>',
      text: 'old body',
      skeleton: undefined,
    },
    rowOf(1, email),
  ]);
  const claimed = await outbox.claimDue(NOW, 10);
  expect(claimed.map((c) => [c.escalationId, c.html === '', c.text === ''])).toEqual([
    [1, false, false],
    [2, false, false],
  ]);
  expect(claimed[0]).toMatchObject({ subject: 'Old', html: '<p>old body</p>', text: 'old body' });
  const rows = await outbox.withBodies(await t.devhost.db('tblsla_vigil_outbox').orderBy('id'));
  expect(rows.map((r) => r.html)).toEqual(claimed.map((c) => c.html));
});

it('fails a row whose skeleton or values were damaged, with the reason, and still sends the others', async () => {
  const outbox = new OutboxRepository(t.devhost.db, 'tbl');
  const inputs = escalationEmailInputs(3, 99);
  const rows: NewOutboxRow[] = [];
  for (const [i, input] of inputs.entries())
    rows.push(rowOf(i, await composeEscalationEmail(input, translator, 'en')));
  await insert(outbox, rows);
  const ids = (await t.devhost.db('tblsla_vigil_outbox').orderBy('id').select('id')).map((r) => Number(r.id));
  await t.devhost
    .db('tblsla_vigil_outbox')
    .where('id', ids[0])
    .update({ skeleton_values: '{"not":"a list"}' });
  await t.devhost
    .db('tblsla_vigil_outbox')
    .where('id', ids[1])
    .update({ skeleton_hash: 'f'.repeat(64) });

  const claimed = await new OutboxRepository(t.devhost.db, 'tbl').claimDue(NOW, 10);
  expect(claimed.map((c) => c.id)).toEqual([ids[2]]);
  expect(claimed[0].html).not.toBe('');
  const failed = await t.devhost.db('tblsla_vigil_outbox').whereIn('id', ids.slice(0, 2)).orderBy('id');
  expect(failed.map((r) => [r.state, r.next_attempt_at])).toEqual([
    ['failed', null],
    ['failed', null],
  ]);
  expect(failed[0].last_error).toMatch(/not a list of strings/);
  expect(failed[1].last_error).toMatch(/skeleton f+ is missing/);
});
