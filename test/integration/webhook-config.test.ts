import { startTestDevhost, type TestDevhost } from '../helpers/devhost-fixture';
import { loginAs, type AdminSession } from '../helpers/admin-session';
import { createModuleServices, type ModuleServices } from '../../src/wiring/module-services';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/sla/config';
import { main as cli } from '../../src/cli';

/**
 * Webhook secrets are write-only: `config export` (service, API, settings download) prints a
 * marker, importing that marker keeps the stored secret, and no audit row ever holds a secret.
 */

let t: TestDevhost;
let services: ModuleServices;
let admin: AdminSession;
const SECRET = 'first-secret-0123456789';
const NEW_SECRET = 'second-secret-0123456789';

const hook = (secret: unknown) => ({
  key: 'chat',
  name: 'Team chat',
  url: 'https://hooks.example.com/sla',
  secret,
  format: 'json',
});
const policy = {
  key: 'gold',
  name: 'Gold',
  targets: { resolution: { minutes: 60 } },
  escalations: [
    { metric: 'resolution', trigger: { type: 'at_due' }, action: { type: 'webhook', webhook: 'chat' } },
  ],
};

async function storedSecret(): Promise<string> {
  const row = await t.devhost.db('tblsla_vigil_webhooks').where('key', 'chat').first('secret');
  return row.secret as string;
}

async function auditText(): Promise<string> {
  const rows: { details: string | null }[] = await t.devhost.db('tblsla_vigil_audit_log').select('details');
  return rows.map((r) => r.details ?? '').join('\n');
}

beforeAll(async () => {
  t = await startTestDevhost();
  services = createModuleServices(t.devhost.host);
  admin = await loginAs(t.devhost.app, 'admin@example.com');
});
afterAll(() => t.close());

it('export prints a marker, import of the marker keeps the secret, a new secret replaces it', async () => {
  await services.config.import({ webhooks: [hook(SECRET)], policies: [policy] });
  expect(await storedSecret()).toBe(SECRET);

  const exported = await services.config.export();
  expect(exported.webhooks).toEqual([{ ...hook({ set: true }), allowPrivateAddress: false }]);
  expect(JSON.stringify(exported)).not.toContain(SECRET);

  // The exported document imports again as it is: the stored secret stays.
  await services.config.import(JSON.parse(JSON.stringify(exported)));
  expect(await storedSecret()).toBe(SECRET);

  await services.config.import({ webhooks: [hook(NEW_SECRET)] });
  expect(await storedSecret()).toBe(NEW_SECRET);

  // The API and the settings download show the same marker.
  const api = await admin.agent.get('/admin/sla_vigil/api/config');
  expect(api.status).toBe(200);
  expect(api.body.webhooks[0].secret).toEqual({ set: true });
  const download = await admin.agent.get('/admin/sla_vigil/settings/export');
  expect(download.text).toContain('"set": true');
  for (const text of [api.text, download.text]) {
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(NEW_SECRET);
  }

  const audit = await auditText();
  expect(audit).toContain('"replaced":true');
  expect(audit).not.toContain(SECRET);
  expect(audit).not.toContain(NEW_SECRET);
});

it('a marker for a webhook with no stored secret names the field; nothing is written', async () => {
  const before = await services.config.version();
  await expect(
    services.config.import({ webhooks: [{ ...hook({ set: true }), key: 'other' }] }),
  ).rejects.toMatchObject({
    issues: [{ path: 'webhooks[0].secret', message: expect.stringMatching(/no secret is stored/) }],
  });
  expect(await services.config.version()).toBe(before);
  expect(await t.devhost.db('tblsla_vigil_webhooks').where('key', 'other').first()).toBeUndefined();
});

it('a webhook a policy uses cannot be deleted; saving one keeps its secret when given the marker', async () => {
  await expect(services.config.deleteWebhook('chat', null)).rejects.toBeInstanceOf(ConfigError);
  await services.config.saveWebhook({ ...hook({ set: true }), name: 'Renamed' }, null);
  expect(await storedSecret()).toBe(NEW_SECRET);
  expect((await services.config.export()).webhooks?.[0].name).toBe('Renamed');
  await expect(
    services.config.saveWebhook({ ...hook({ set: true }), key: 'fresh' }, null),
  ).rejects.toMatchObject({
    issues: [{ path: 'secret' }],
  });
  expect(await auditText()).not.toContain(NEW_SECRET);
});

it('the CLI exports the marker and imports its own export keeping the secret', async () => {
  const saved = process.env.DATABASE_URL;
  process.env.DATABASE_URL = t.database.url;
  const printed: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    printed.push(args.map(String).join(' '));
  });
  try {
    await cli(['node', 'sla-vigil', 'config', 'export']);
    const output = printed.join('\n');
    expect(output).not.toContain(NEW_SECRET);
    const doc = JSON.parse(output);
    expect(doc.webhooks[0].secret).toEqual({ set: true });
    const file = path.join(os.tmpdir(), `sla-vigil-webhooks-${process.pid}.json`);
    fs.writeFileSync(file, output);
    await cli(['node', 'sla-vigil', 'config', 'import', file]);
    fs.unlinkSync(file);
  } finally {
    log.mockRestore();
    process.env.DATABASE_URL = saved;
  }
  expect(await storedSecret()).toBe(NEW_SECRET);
});
