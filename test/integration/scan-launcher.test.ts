import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Real processes from the build (npm test builds first): the launcher's relaunch as
// bin/sla-vigil.js runs it for `worker`, `scan` and `serve`.
const RELAUNCH = path.resolve(__dirname, '../../dist/src/scan/relaunch.js');
const BIN = path.resolve(__dirname, '../../bin/sla-vigil.js');

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slav-launcher-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A launcher that relaunches `childSource` with a 333 MB old space, as bin/sla-vigil.js does. */
function launch(childSource: string): {
  proc: ChildProcess;
  output: Promise<{ out: string; code: number | null; signal: string | null }>;
} {
  const child = path.join(dir, 'child.js');
  fs.writeFileSync(
    child,
    `const { dieWithLauncher } = require(${JSON.stringify(RELAUNCH)});\n${childSource}`,
  );
  const launcher = path.join(dir, 'launcher.js');
  fs.writeFileSync(
    launcher,
    `require(${JSON.stringify(RELAUNCH)}).relaunch(['--max-old-space-size=333'], ${JSON.stringify(child)}, ['a', 'b']);`,
  );
  const proc = spawn(process.execPath, [launcher], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let out = '';
  proc.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const output = new Promise<{ out: string; code: number | null; signal: string | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ out, code, signal })),
  );
  return { proc, output };
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(check: () => boolean, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; !check();) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the scan process launcher', () => {
  it('runs the command again with the flags and its arguments, and exits with its code', async () => {
    const { output } = launch(`
      const limit = require('node:v8').getHeapStatistics().heap_size_limit / 1048576;
      console.log(JSON.stringify({ execArgv: process.execArgv, args: process.argv.slice(2), limit, env: process.env.SLA_VIGIL_RELAUNCHED }));
      process.exit(7);
    `);
    const { out, code } = await output;
    const seen = JSON.parse(out.trim()) as { execArgv: string[]; args: string[]; limit: number; env: string };
    expect(seen.execArgv).toEqual(['--max-old-space-size=333']);
    expect(seen.args).toEqual(['a', 'b']);
    // The old space limit plus the young generation's.
    expect(seen.limit).toBeGreaterThanOrEqual(333);
    expect(seen.limit).toBeLessThan(400);
    expect(seen.env).toBe('1');
    expect(code).toBe(7);
  });

  it('passes SIGTERM on; the command stops as it would alone and the launcher exits with its code', async () => {
    const { proc, output } = launch(`
      dieWithLauncher();
      process.on('SIGTERM', () => { console.log('stopping'); process.exit(0); });
      console.log('ready');
      setInterval(() => undefined, 1000);
    `);
    await new Promise<void>((resolve) => proc.stdout?.once('data', () => resolve()));
    proc.kill('SIGTERM');
    const { out, code } = await output;
    expect(out).toContain('stopping');
    expect(code).toBe(0);
  });

  it('a launcher killed outright (SIGKILL) takes the command with it: no scan keeps running', async () => {
    const pidFile = path.join(dir, 'pid');
    const { proc, output } = launch(`
      dieWithLauncher();
      require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));
      setInterval(() => undefined, 1000);
    `);
    await until(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8') !== '');
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    expect(alive(pid)).toBe(true);
    proc.kill('SIGKILL');
    await output;
    await until(() => !alive(pid));
  });

  it('a relaunched command that ends by itself ends the launcher (the lifeline keeps nothing alive)', async () => {
    const { output } = launch(`dieWithLauncher(); setTimeout(() => console.log('done'), 100);`);
    const { out, code } = await output;
    expect(out).toContain('done');
    expect(code).toBe(0);
  });

  it('bin/sla-vigil.js runs other commands in its own process, and `scan` in a relaunched one', async () => {
    const run = (args: string[]) =>
      new Promise<string>((resolve) => {
        const p = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NODE_OPTIONS: '' } });
        let out = '';
        p.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
        p.once('exit', () => resolve(out));
      });
    // `--help` prints from whichever process runs the command: both work through the launcher.
    expect(await run(['scan', '--help'])).toContain('reconcile the host');
    expect(await run(['migrate', '--help'])).toContain('pending migrations');
  });
});
