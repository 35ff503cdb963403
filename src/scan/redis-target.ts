/** One Redis server (or sentinel) address. */
export interface RedisNode {
  host: string;
  port: number;
}

/** Credentials and transport shared by the Sentinel and Cluster forms. */
interface RedisAuth {
  username?: string;
  password?: string;
  /** `?tls=true`: TLS to every node (and sentinel), with the system's CAs. */
  tls: boolean;
}

/**
 * What REDIS_URL names: one server (`redis://`, `rediss://`, handed to ioredis as it is), a
 * master found through Redis Sentinel, or a Redis Cluster.
 */
export type RedisTarget =
  | { kind: 'single'; url: string }
  | ({
      kind: 'sentinel';
      sentinels: RedisNode[];
      masterName: string;
      db: number;
      sentinelPassword?: string;
    } & RedisAuth)
  | ({ kind: 'cluster'; nodes: RedisNode[] } & RedisAuth);

export const REDIS_URL_FORMS =
  'redis://[:password@]host:port[/db], rediss://..., ' +
  'redis-sentinel://[:password@]host:26379[,host2:26379...]/masterName[/db][?sentinelPassword=...&tls=true] or ' +
  'redis-cluster://[:password@]host:port[,host2:port...][?tls=true]';

const DEFAULT_PORT = { sentinel: 26379, cluster: 6379 } as const;

const MULTI_HOST = /^(redis-sentinel|redis-cluster):\/\/(?:([^@/?#]*)@)?([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?$/;

/** Thrown for a REDIS_URL that names no Redis we can connect to; the message says what is wrong. */
export class RedisUrlError extends Error {
  readonly code = 'redis_url_invalid';
}

function fail(problem: string): never {
  throw new RedisUrlError(`REDIS_URL: ${problem}. Forms: ${REDIS_URL_FORMS}`);
}

/**
 * Parses REDIS_URL. The multi-host forms are not WHATWG URLs (`new URL` takes one host), so
 * they are split here: a comma-separated host list, the master's name (Sentinel) in the path.
 * Passwords never appear in the errors.
 */
export function parseRedisUrl(url: string): RedisTarget {
  const trimmed = url.trim();
  if (/^rediss?:\/\//.test(trimmed)) {
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch {
      fail('not a valid redis:// URL');
    }
    if (!parsed.hostname) fail('the redis:// URL names no host');
    return { kind: 'single', url: trimmed };
  }
  const match = MULTI_HOST.exec(trimmed);
  if (!match) {
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(trimmed)?.[1];
    fail(scheme ? `unknown scheme "${scheme}:"` : 'not a URL');
  }
  const [, scheme, userinfo, hostList, path = '', query = ''] = match;
  const kind = scheme === 'redis-sentinel' ? 'sentinel' : 'cluster';
  const nodes = parseHosts(hostList, DEFAULT_PORT[kind], kind);
  const auth = { ...parseUserinfo(userinfo), tls: false };
  const params = new URLSearchParams(query);
  const allowed = kind === 'sentinel' ? ['tls', 'sentinelPassword'] : ['tls'];
  for (const key of params.keys()) {
    if (!allowed.includes(key)) fail(`unknown ${scheme} parameter "${key}" (known: ${allowed.join(', ')})`);
  }
  const tls = params.get('tls');
  if (tls !== null) {
    if (!['true', 'false', '1', '0'].includes(tls)) fail(`tls must be true or false (got "${tls}")`);
    auth.tls = tls === 'true' || tls === '1';
  }
  const segments = path.split('/').filter((s) => s !== '');
  if (kind === 'cluster') {
    // A Cluster has one database (0): a path would be silently ignored, so it is refused.
    if (segments.length) fail('a redis-cluster:// URL takes no path (a Cluster has only database 0)');
    return { kind, nodes, ...auth };
  }
  if (segments.length === 0 || segments.length > 2)
    fail('a redis-sentinel:// URL needs the master name as its path, e.g. /mymaster (and optionally /db)');
  const masterName = decodeURIComponent(segments[0]);
  const dbText = segments[1] ?? '0';
  if (!/^\d{1,5}$/.test(dbText))
    fail(`the database after the master name must be a number (got "${dbText}")`);
  const db = Number(dbText);
  const sentinelPassword = params.get('sentinelPassword') ?? undefined;
  return { kind, sentinels: nodes, masterName, db, ...(sentinelPassword && { sentinelPassword }), ...auth };
}

function parseUserinfo(userinfo: string | undefined): { username?: string; password?: string } {
  if (userinfo === undefined || userinfo === '') return {};
  const colon = userinfo.indexOf(':');
  const user = decodeURIComponent(colon < 0 ? userinfo : userinfo.slice(0, colon));
  const password = colon < 0 ? undefined : decodeURIComponent(userinfo.slice(colon + 1));
  // As in redis://: "user@" alone is taken as a password (Redis before ACLs had no user names).
  if (password === undefined) return { password: user };
  return { ...(user && { username: user }), ...(password && { password }) };
}

function parseHosts(list: string, defaultPort: number, kind: string): RedisNode[] {
  if (list === '') fail(`the redis-${kind}:// URL names no host`);
  return list.split(',').map((entry) => {
    const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(entry.trim());
    if (!m) fail(`"${entry}" is not host or host:port`);
    const port = m[2] === undefined ? defaultPort : Number(m[2]);
    if (port < 1 || port > 65535) fail(`port ${m[2]} of "${entry}" is out of range`);
    return { host: m[1].replace(/^\[|\]$/g, ''), port };
  });
}

/** Where REDIS_URL points, without credentials, for log lines and `status`. */
export function redisTargetLabel(target: RedisTarget): string {
  const list = (nodes: RedisNode[]) =>
    nodes.map((n) => (n.host.includes(':') ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`)).join(',');
  switch (target.kind) {
    case 'single': {
      const url = new URL(target.url);
      return `${url.hostname}:${url.port || '6379'}`;
    }
    case 'sentinel':
      return `master "${target.masterName}" via sentinels ${list(target.sentinels)}`;
    case 'cluster':
      return `cluster ${list(target.nodes)}`;
  }
}
