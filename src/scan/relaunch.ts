import { spawn } from 'node:child_process';
import { RELAUNCHED_ENV } from './scan-process-heap';

/** Signals a service manager or a terminal sends to stop the command; the child gets them too. */
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs `script args` again in a child node started with `flags` (Node has no exec), and ends
 * this process as the child ends: same exit code, or the same signal. Stop signals sent to this
 * process are passed on (the commands stop gracefully and ignore a second one); if this process
 * is killed outright (SIGKILL), the child sees its IPC channel close and dies too
 * (`dieWithLauncher`), so a supervisor that kills the launcher never leaves a scan running.
 */
export function relaunch(flags: readonly string[], script: string, args: readonly string[]): void {
  const child = spawn(process.execPath, [...flags, script, ...args], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [RELAUNCHED_ENV]: '1' },
  });
  const forward = (signal: NodeJS.Signals) => () => void child.kill(signal);
  const handlers = FORWARDED.map((signal) => [signal, forward(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  child.once('error', (err) => {
    console.error(err.message);
    process.exit(1);
  });
  child.once('exit', (code, signal) => {
    for (const [s, handler] of handlers) process.off(s, handler);
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}

/**
 * In the relaunched child: die as the launcher dies. The IPC channel is only a lifeline, so it
 * must not keep the process alive (`unref`); it closes when the launcher's end does.
 */
export function dieWithLauncher(): void {
  const channel = process.channel;
  if (!process.env[RELAUNCHED_ENV] || !channel) return;
  channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGKILL'));
}
