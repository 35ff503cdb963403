import { spawn, execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import IORedis from 'ioredis';
import { PrivateRedis } from './private-redis';

const run = promisify(execFile);

/**
 * Redis Sentinel and Redis Cluster set-ups of a test's own, from Debian's redis-server,
 * redis-sentinel and redis-tools packages (.ci/run installs them), on free loopback ports in a
 * temporary directory; `stop()` kills what was started and removes the directory.
 */
abstract class RedisProcesses {
  protected readonly children: ChildProcess[] = [];
  protected readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slav-redis-'));

  protected async startServer(port: number, args: string[], binary = 'redis-server'): Promise<void> {
    const child = spawn(binary, args, { cwd: this.dir, stdio: 'ignore' });
    this.children.push(child);
    await waitUntil(`${binary} on port ${port}`, async () => (await ping(port)) === 'PONG');
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.splice(0).map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** One master, one replica and one sentinel watching them (quorum 1) under the name `mymaster`. */
export class SentinelSetup extends RedisProcesses {
  masterPort = 0;
  replicaPort = 0;
  sentinelPort = 0;

  get url(): string {
    return `redis-sentinel://127.0.0.1:${this.sentinelPort}/mymaster`;
  }

  async start(): Promise<void> {
    this.masterPort = await PrivateRedis.freePort();
    this.replicaPort = await PrivateRedis.freePort();
    this.sentinelPort = await PrivateRedis.freePort();
    await this.startServer(this.masterPort, serverArgs(this.masterPort));
    await this.startServer(this.replicaPort, [
      ...serverArgs(this.replicaPort),
      '--replicaof',
      '127.0.0.1',
      String(this.masterPort),
    ]);
    await waitUntil('the replica to sync', async () =>
      (await redisCli(this.replicaPort, 'INFO', 'replication')).includes('master_link_status:up'),
    );
    // A sentinel rewrites its configuration file, so it gets one of its own.
    const conf = path.join(this.dir, 'sentinel.conf');
    fs.writeFileSync(
      conf,
      [
        `port ${this.sentinelPort}`,
        'bind 127.0.0.1',
        `dir ${this.dir}`,
        `sentinel monitor mymaster 127.0.0.1 ${this.masterPort} 1`,
        'sentinel down-after-milliseconds mymaster 5000',
        '',
      ].join('\n'),
    );
    await this.startServer(this.sentinelPort, [conf], 'redis-sentinel');
    await waitUntil('the sentinel to know its master', async () => {
      const { stdout } = await run('redis-cli', [
        '-p',
        String(this.sentinelPort),
        'SENTINEL',
        'get-master-addr-by-name',
        'mymaster',
      ]);
      return stdout.includes(String(this.masterPort));
    });
    await waitUntil('the sentinel to see the replica', async () =>
      (await redisCli(this.sentinelPort, 'SENTINEL', 'replicas', 'mymaster')).includes(
        String(this.replicaPort),
      ),
    );
  }

  /** The master's port as the sentinel names it now. */
  async currentMasterPort(): Promise<number> {
    const reply = await redisCli(this.sentinelPort, 'SENTINEL', 'get-master-addr-by-name', 'mymaster');
    return Number(reply.trim().split('\n')[1]);
  }

  /** Promotes the replica (SENTINEL FAILOVER) and waits until the sentinel names it the master. */
  async failover(): Promise<void> {
    await redisCli(this.sentinelPort, 'SENTINEL', 'failover', 'mymaster');
    await waitUntil('the failover', async () => (await this.currentMasterPort()) === this.replicaPort);
    await waitUntil('the new master to take writes', async () =>
      (await redisCli(this.replicaPort, 'ROLE')).startsWith('master'),
    );
  }
}

/** Three masters (no replicas) sharing the 16384 slots, made with `redis-cli --cluster create`. */
export class ClusterSetup extends RedisProcesses {
  ports: number[] = [];

  get url(): string {
    return `redis-cluster://${this.ports.map((p) => `127.0.0.1:${p}`).join(',')}`;
  }

  async start(): Promise<void> {
    for (let i = 0; i < 3; i++) this.ports.push(await PrivateRedis.freePort());
    await Promise.all(
      this.ports.map((port) =>
        this.startServer(port, [
          ...serverArgs(port),
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          '--cluster-node-timeout',
          '5000',
        ]),
      ),
    );
    await run('redis-cli', [
      '--cluster',
      'create',
      ...this.ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await waitUntil('every node to see the cluster ok', async () => {
      const states = await Promise.all(
        this.ports.map(
          async (port) => (await run('redis-cli', ['-p', String(port), 'CLUSTER', 'INFO'])).stdout,
        ),
      );
      return states.every((info) => info.includes('cluster_state:ok'));
    });
  }

  /** Every key on every node (a Cluster spreads them), for assertions on where BullMQ wrote. */
  async keys(pattern: string): Promise<string[]> {
    const all = await Promise.all(
      this.ports.map(async (port) => {
        const redis = new IORedis(port, '127.0.0.1');
        try {
          return await redis.keys(pattern);
        } finally {
          redis.disconnect();
        }
      }),
    );
    return all.flat();
  }
}

function serverArgs(port: number): string[] {
  return ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
}

async function redisCli(port: number, ...args: string[]): Promise<string> {
  return (await run('redis-cli', ['-p', String(port), ...args])).stdout;
}

async function ping(port: number): Promise<string> {
  try {
    return (await run('redis-cli', ['-p', String(port), 'PING'])).stdout.trim();
  } catch {
    return '';
  }
}

async function waitUntil(what: string, probe: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
