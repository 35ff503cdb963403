import { parseRedisUrl, redisTargetLabel, RedisUrlError } from '../../src/scan/redis-target';
import { bullPrefix } from '../../src/scan/redis-connection';
import { redisLabel } from '../../src/scan/redis-watch';
import { loadConfig } from '../../src/config';

describe('REDIS_URL forms', () => {
  it('keeps a plain redis:// or rediss:// URL as it is (ioredis parses it)', () => {
    expect(parseRedisUrl('redis://:secret@cache:6380/2')).toEqual({
      kind: 'single',
      url: 'redis://:secret@cache:6380/2',
    });
    expect(parseRedisUrl('rediss://cache').kind).toBe('single');
    expect(redisLabel('redis://:secret@cache:6380/2')).toBe('cache:6380');
  });

  it('reads a Sentinel URL: sentinels, master name, database, passwords, TLS', () => {
    expect(
      parseRedisUrl(
        'redis-sentinel://:pw@10.0.0.1,10.0.0.2:26380,[::1]:26381/mymaster/3?sentinelPassword=s%40&tls=true',
      ),
    ).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '10.0.0.2', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      masterName: 'mymaster',
      db: 3,
      password: 'pw',
      sentinelPassword: 's@',
      tls: true,
    });
    expect(parseRedisUrl('redis-sentinel://app:pw@h:1/m')).toMatchObject({
      username: 'app',
      password: 'pw',
      db: 0,
    });
    expect(redisLabel('redis-sentinel://:pw@a:1,b:2/m')).toBe('master "m" via sentinels a:1,b:2');
  });

  it('reads a Cluster URL: the seed nodes and the password', () => {
    expect(parseRedisUrl('redis-cluster://:pw@n1:7000,n2:7001,n3')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'n1', port: 7000 },
        { host: 'n2', port: 7001 },
        { host: 'n3', port: 6379 },
      ],
      password: 'pw',
      tls: false,
    });
    expect(redisTargetLabel(parseRedisUrl('redis-cluster://n1:7000'))).toBe('cluster n1:7000');
  });

  it.each([
    ['http://cache:6379', /unknown scheme "http:"/],
    ['cache:6379', /unknown scheme "cache:"/],
    ['redis-sentinel://h:26379', /needs the master name/],
    ['redis-sentinel://h:26379/m/x', /database after the master name must be a number \(got "x"\)/],
    ['redis-sentinel://h:99999/m', /port 99999 of "h:99999" is out of range/],
    ['redis-sentinel:///m', /names no host/],
    ['redis-cluster://a:7000,,b:7001', /"" is not host or host:port/],
    ['redis-cluster://a:7000/1', /takes no path/],
    ['redis-cluster://a:7000?db=1', /unknown redis-cluster parameter "db"/],
    ['redis-sentinel://a/m?tls=yes', /tls must be true or false/],
  ])('refuses %s and says why', (url, why) => {
    expect(() => parseRedisUrl(url)).toThrow(RedisUrlError);
    expect(() => parseRedisUrl(url)).toThrow(why);
  });

  it('never puts the password into an error', () => {
    expect(() => parseRedisUrl('redis-cluster://:hunter2@a:7000/1')).not.toThrow(/hunter2/);
  });

  it('hash-tags the BullMQ prefix on a Cluster only, so single-server installs keep their keys', () => {
    expect(bullPrefix('redis://127.0.0.1:6379', 'tblsla_vigil_x_1')).toBe('tblsla_vigil_x_1');
    expect(bullPrefix('redis-sentinel://h/m', 'tblsla_vigil_x_1')).toBe('tblsla_vigil_x_1');
    expect(bullPrefix('redis-cluster://h:7000', 'tblsla_vigil_x_1')).toBe('{tblsla_vigil_x_1}');
    expect(bullPrefix('redis-cluster://h:7000', '{mine}')).toBe('{mine}');
  });

  it('config fails fast on a bad REDIS_URL or DATABASE_READ_URL', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis-sentinel://h' })).toThrow(/REDIS_URL: .*master name/);
    expect(() => loadConfig({ DATABASE_READ_URL: 'postgres://x' })).toThrow(
      /DATABASE_READ_URL must be a mysql:\/\//,
    );
    expect(loadConfig({ DATABASE_READ_URL: 'mysql://ro@replica/sla' }).databaseReadUrl).toBe(
      'mysql://ro@replica/sla',
    );
    expect(loadConfig({}).databaseReadUrl).toBeUndefined();
  });
});
