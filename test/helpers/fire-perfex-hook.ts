import { execFile } from 'node:child_process';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');

export interface PerfexHookCall {
  serviceUrl: string;
  secret: string;
  /** `$_POST` while the hook runs (the bulk action reads it). */
  post?: unknown;
  /** Perfex options besides the pairing (Perfex's SMTP settings, say). */
  options?: Record<string, string>;
  /** The module's `$CI->db` on this database instead of in memory. */
  databaseUrl?: string;
}

/**
 * Fires one Perfex hook through the real module with php-cli (test/php/fire-hook.php, the
 * stand-in written from PERFEX.md), with the arguments as Perfex passes them; resolves with
 * the module's log lines. Asynchronous on purpose: the service answering it may run in this
 * very process.
 */
export function firePerfexHook(hook: string, args: unknown[], call: PerfexHookCall): Promise<string> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SLA_VIGIL_SERVICE_URL: call.serviceUrl,
    SLA_VIGIL_SECRET: call.secret,
    SLA_VIGIL_POST: JSON.stringify(call.post ?? {}),
    ...(call.options ? { SLA_VIGIL_OPTIONS: JSON.stringify(call.options) } : {}),
    ...(call.databaseUrl ? { SLA_VIGIL_DB_URL: call.databaseUrl } : {}),
  };
  return new Promise<string>((resolve, reject) => {
    execFile(
      'php',
      ['test/php/fire-hook.php', hook, JSON.stringify(args)],
      { cwd: root, env, timeout: 30_000 },
      (err, _stdout, stderr) => {
        if (err)
          reject(
            new Error(`php failed (apt-get install php-cli php-mysql php-curl): ${err.message}\n${stderr}`),
          );
        else resolve(stderr);
      },
    );
  });
}
