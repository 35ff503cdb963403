import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');

export interface PhpStandin {
  url: string;
  /** What php -S wrote on stderr so far (its PHP errors). */
  stderr(): string;
  stop(): void;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

/**
 * `php -S` serving the Perfex stand-in (test/php/standin/, written from PERFEX.md) on the given
 * Perfex-schema database; resolves once it listens. Fails plainly when php lacks curl or mysqli.
 */
export async function startPhpStandin(database: string): Promise<PhpStandin> {
  const missing = spawnSync(
    'php',
    ['-r', 'echo function_exists("curl_init") && class_exists("mysqli") ? "ok" : "no";'],
    { encoding: 'utf8' },
  );
  if (missing.stdout !== 'ok')
    throw new Error(
      `php with curl and mysqli is needed (apt-get install php-cli php-mysql php-curl): ${missing.error?.message ?? missing.stdout}`,
    );
  const port = await freePort();
  let err = '';
  const php: ChildProcess = spawn('php', ['-S', `127.0.0.1:${port}`, 'index.php'], {
    cwd: path.join(root, 'test/php/standin'),
    env: { ...process.env, STANDIN_DATABASE: database },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  php.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    php.once('spawn', resolve);
    php.once('error', (e) => reject(new Error(`php -S did not start: ${e.message}`)));
  });
  const standin = { url: `http://127.0.0.1:${port}`, stderr: () => err, stop: () => php.kill('SIGTERM') };
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => {
        c.end();
        resolve(true);
      });
      c.on('error', () => resolve(false));
    });
    if (up) return standin;
    await new Promise((r) => setTimeout(r, 50));
  }
  standin.stop();
  throw new Error(`php -S did not listen on ${standin.url}: ${err}`);
}
