import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { asyncRoute } from '../../web/async-route';
import { SMTP_POOL_DEFAULTS } from '../../notify/mail-sender';
import type { MailRouteSource } from '../../notify/mail-route';
import { PushedMailRoute, type PushedMailSettings } from '../../notify/pushed-mail-route';
import type { MailRouteBeat } from '../../notify/mail-route-status';
import { strictJsonBody } from './bridge-json';
import { firstProblem } from './bridge-events';

/**
 * `POST /bridge/mail-settings`: Perfex's Setup > Settings > Email as the PHP module reads them on
 * every cron run, the SMTP password decrypted by PHP with the install's key (bridge-contract).
 * Every field is required; `encryption` is Perfex's `smtp_encryption`, `from_email` its
 * `smtp_email`, `from_name` its `companyname`; `port` 0 means "not set".
 */
export const MAIL_SETTINGS_BODY = z.strictObject({
  protocol: z.string().max(32),
  host: z.string().max(255),
  port: z.number().int().min(0).max(65535),
  encryption: z.enum(['', 'ssl', 'tls']),
  username: z.string().max(320),
  password: z.string().max(1024),
  from_email: z.string().max(320),
  from_name: z.string().max(255),
});

export type PerfexMailSettings = z.infer<typeof MAIL_SETTINGS_BODY>;

/** Said while no settings came yet: by `status`-like log lines and the mail sender. */
export const WAITING_FOR_PERFEX_MAIL =
  "waiting for Perfex's mail settings (the module sends them on every Perfex cron run)";

/** CodeIgniter's usual ports when Perfex's field is empty. */
const DEFAULT_PORTS = { ssl: 465, tls: 587, '': 25 } as const;

/**
 * Perfex's settings in nodemailer's terms, sent the way Perfex sends them: `ssl` is TLS from the
 * first byte, `tls` insists on STARTTLS, and no encryption means none (Perfex would not upgrade
 * either, so a server with a broken certificate keeps working as it does for Perfex).
 */
export function perfexSmtp(settings: PerfexMailSettings): PushedMailSettings {
  const protocol = settings.protocol.trim().toLowerCase();
  if (protocol !== 'smtp')
    return {
      usable: false,
      reason: `Perfex sends mail with '${protocol || '(none)'}', not SMTP; set SMTP_URL for escalation emails`,
    };
  const host = settings.host.trim();
  if (!host)
    return {
      usable: false,
      reason: "Perfex's SMTP host is empty (Setup > Settings > Email); set it there or set SMTP_URL",
    };
  const port = settings.port || DEFAULT_PORTS[settings.encryption];
  const address = settings.from_email.trim();
  const name = settings.from_name.trim();
  return {
    usable: true,
    smtp: {
      ...SMTP_POOL_DEFAULTS,
      host,
      port,
      secure: settings.encryption === 'ssl',
      requireTLS: settings.encryption === 'tls',
      ignoreTLS: settings.encryption === '',
      auth: settings.username ? { user: settings.username, pass: settings.password } : undefined,
    },
    from: address ? (name ? { name, address } : address) : null,
    label: `${host}:${port}${settings.encryption ? `, ${settings.encryption}` : ''}`,
  };
}

/** Whoever takes the pushed settings. */
export interface MailSettingsReceiver {
  /** True when mail can go out through them now (false: unusable, or ignored for SMTP_URL). */
  receive(settings: PerfexMailSettings): boolean;
}

/** With SMTP_URL set, SMTP_URL wins: pushed settings are checked, then ignored (said once). */
export function ignoredMailSettings(logger: Logger): MailSettingsReceiver {
  let said = false;
  return {
    receive() {
      if (!said) logger.info("sla_vigil mail: SMTP_URL is set, so Perfex's mail settings are ignored");
      said = true;
      return false;
    },
  };
}

/**
 * How the service sends mail beside Perfex: through SMTP_URL when it is set (`source` undefined:
 * the host's own URL), else through the settings Perfex pushes, which `receiver` takes.
 */
export function perfexMailRouting(
  smtpUrl: string | undefined,
  logger: Logger,
  /** Told where mail goes now, for `status` (mail-route-status.ts): at once, then on each change. */
  report: (state: MailRouteBeat) => void = () => undefined,
): { source?: MailRouteSource; receiver: MailSettingsReceiver } {
  if (smtpUrl) {
    report('smtp_url');
    return { receiver: ignoredMailSettings(logger) };
  }
  const route = new PushedMailRoute(logger, WAITING_FOR_PERFEX_MAIL);
  report('waiting');
  return {
    source: route,
    receiver: {
      receive(settings) {
        const changed = route.replace(perfexSmtp(settings));
        const ready = route.current().ready;
        if (changed) report(ready ? 'host' : 'unusable');
        return ready;
      },
    },
  };
}

/**
 * Sends the due mail in the background after each usable push: PHP pushes the settings after
 * the cron event, so that run's scan may have found no route (the first push after a start), and
 * when other processes (`sla-vigil worker`) run the scans, this is when `serve`, the one process
 * holding the settings, sends. Runs beside the scan worker's sends (claims never overlap).
 */
export function sendingOnPush(
  receiver: MailSettingsReceiver,
  sendDue: () => Promise<unknown>,
  logger: Logger,
): MailSettingsReceiver {
  return {
    receive(settings) {
      const ready = receiver.receive(settings);
      if (ready)
        sendDue().catch((err: unknown) =>
          logger.warn({ err }, 'sla_vigil mail: sending the waiting emails failed'),
        );
      return ready;
    },
  };
}

/** The route: strict body, 422 naming the first wrong field, 202 once taken. */
export function mailSettingsRoute(receiver: MailSettingsReceiver): RequestHandler {
  return asyncRoute(async (req: Request, res: Response) => {
    const raw = strictJsonBody(req.body as Buffer, res);
    if (!raw) return;
    const parsed = MAIL_SETTINGS_BODY.safeParse(raw.body);
    if (!parsed.success) {
      res.status(422).json(firstProblem(parsed.error, []));
      return;
    }
    receiver.receive(parsed.data);
    res.status(202).json({ ok: true });
  });
}
