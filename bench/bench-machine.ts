import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { benchServerVersion } from './bench-host';

/** lscpu's model name (os.cpus() says the same on most machines, but not under every hypervisor). */
export function cpuModel(): string {
  try {
    const out = execFileSync('lscpu', { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
    const model = /^Model name:\s*(.+)$/m.exec(out)?.[1]?.trim();
    const hypervisor = /^Hypervisor vendor:\s*(.+)$/m.exec(out)?.[1]?.trim();
    if (model) return hypervisor ? `${model} (${hypervisor})` : model;
  } catch {
    // No lscpu (macOS, a slim container): Node's view below.
  }
  return os.cpus()[0]?.model ?? 'unknown CPU';
}

/** What the runner's heading needs before the run; the load after is added at the end. */
export async function machineBefore(sizes: string) {
  return {
    date: new Date(),
    cpu: cpuModel(),
    cores: os.cpus().length,
    ramGb: os.totalmem() / 1024 ** 3,
    node: process.version,
    mariadb: await benchServerVersion(),
    loadBefore: os.loadavg(),
    sizes,
  };
}
