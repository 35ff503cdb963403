import pino from 'pino';
import { perfexSmtp, type PerfexMailSettings } from '../../src/host/bridge/bridge-mail-settings';
import { PushedMailRoute } from '../../src/notify/pushed-mail-route';
import type { MailTransport } from '../../src/notify/mail-route';
import { mailRouteLine } from '../../src/notify/mail-route-status';
import type { Heartbeats } from '../../src/store/heartbeat-repository';

const logger = pino({ level: 'silent' });

const settings = (overrides: Partial<PerfexMailSettings> = {}): PerfexMailSettings => ({
  protocol: 'smtp',
  host: 'mail.example.com',
  port: 0,
  encryption: '',
  username: 'helpdesk',
  password: 'pw',
  from_email: 'helpdesk@example.com',
  from_name: 'Acme',
  ...overrides,
});

describe("Perfex's email settings in nodemailer's terms", () => {
  it.each([
    ['ssl', 465, { secure: true, requireTLS: false, ignoreTLS: false }],
    ['tls', 587, { secure: false, requireTLS: true, ignoreTLS: false }],
    ['', 25, { secure: false, requireTLS: false, ignoreTLS: true }],
  ] as const)('encryption %j: port %i when unset, TLS as Perfex uses it', (encryption, port, tls) => {
    const pushed = perfexSmtp(settings({ encryption }));
    expect(pushed).toMatchObject({ usable: true, smtp: { host: 'mail.example.com', port, ...tls } });
  });

  it("keeps Perfex's port, login and sender", () => {
    expect(perfexSmtp(settings({ port: 2525 }))).toMatchObject({
      usable: true,
      smtp: { port: 2525, auth: { user: 'helpdesk', pass: 'pw' } },
      from: { name: 'Acme', address: 'helpdesk@example.com' },
      label: 'mail.example.com:2525',
    });
  });

  it('no username: no AUTH; no sender address: the default sender', () => {
    const pushed = perfexSmtp(settings({ username: '', from_email: '', from_name: 'Acme' }));
    expect(pushed).toMatchObject({ usable: true, from: null });
    expect(pushed.usable && pushed.smtp.auth).toBeUndefined();
  });

  it("'mail' or 'sendmail', or SMTP without a host: unusable, with what to do", () => {
    expect(perfexSmtp(settings({ protocol: 'mail' }))).toEqual({
      usable: false,
      reason: "Perfex sends mail with 'mail', not SMTP; set SMTP_URL for escalation emails",
    });
    expect(perfexSmtp(settings({ protocol: 'sendmail' }))).toMatchObject({ usable: false });
    expect(perfexSmtp(settings({ host: ' ' }))).toMatchObject({
      usable: false,
      reason: expect.stringContaining('SMTP host is empty') as string,
    });
  });
});

describe('PushedMailRoute', () => {
  function fakeTransports() {
    const made: { options: unknown; closed: boolean }[] = [];
    const create = (options: unknown): MailTransport => {
      const entry = { options, closed: false };
      made.push(entry);
      return {
        sendMail: () => Promise.resolve({}),
        close: () => {
          entry.closed = true;
        },
      } as unknown as MailTransport;
    };
    return { made, create };
  }

  it('waits until the first push; the same settings again keep the transport; changed ones close the old one', async () => {
    const { made, create } = fakeTransports();
    const route = new PushedMailRoute(logger, 'waiting for the host', create);
    expect(route.current()).toEqual({ ready: false, reason: 'waiting for the host' });

    expect(route.replace(perfexSmtp(settings()))).toBe(true);
    expect(route.current().ready).toBe(true);
    expect(route.replace(perfexSmtp(settings()))).toBe(false);
    expect(made).toHaveLength(1);

    expect(route.replace(perfexSmtp(settings({ password: 'new' })))).toBe(true);
    expect(made.map((m) => m.closed)).toEqual([true, false]);

    expect(route.replace(perfexSmtp(settings({ protocol: 'mail' })))).toBe(true);
    expect(route.current()).toMatchObject({ ready: false, logged: true });
    expect(made.map((m) => m.closed)).toEqual([true, true]);

    await route.close();
    expect(route.current().ready).toBe(false);
  });
});

describe("status's mail line", () => {
  const at = new Date('2026-03-02T08:00:00Z');
  const beats = (state: string | null): Heartbeats =>
    new Map(state === null ? [] : [['mail_route', { at, details: { state } }]]);

  it('says nothing without a serve that recorded its route, else where mail goes', () => {
    expect(mailRouteLine(beats(null), 3)).toBeNull();
    expect(mailRouteLine(beats('nonsense'), 3)).toBeNull();
    expect(mailRouteLine(beats('waiting'), 3)).toBe(
      "mail: waiting for Perfex's mail settings since 2026-03-02T08:00:00.000Z (3 emails pending); they come with Perfex's next cron run, or set SMTP_URL",
    );
    expect(mailRouteLine(beats('host'), 0)).toBe(
      "mail: through Perfex's SMTP settings (last received 2026-03-02T08:00:00.000Z)",
    );
    expect(mailRouteLine(beats('unusable'), 2)).toContain('set SMTP_URL');
    expect(mailRouteLine(beats('smtp_url'), 0)).toBe(
      "mail: through SMTP_URL (Perfex's mail settings are ignored)",
    );
  });
});
