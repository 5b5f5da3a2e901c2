import { describe, expect, test } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '../config.js';
import { redisTarget } from './connections.js';

describe('REDIS_CLUSTER_NODES', () => {
  test('unset: a standalone connection to REDIS_URL', () => {
    expect(redisTarget(loadConfig({ REDIS_URL: 'redis://10.0.0.5:6380' }))).toBe('redis://10.0.0.5:6380');
  });

  test('host:port list: Cluster seed nodes, REDIS_URL not used, the password passed on', () => {
    const config = loadConfig({
      REDIS_URL: 'redis://ignored:1',
      REDIS_CLUSTER_NODES: 'redis-0.redis:6379,10.0.0.7:7001',
      REDIS_CLUSTER_PASSWORD: 'pw-canary',
    });
    expect(redisTarget(config)).toEqual({
      clusterNodes: [
        { host: 'redis-0.redis', port: 6379 },
        { host: '10.0.0.7', port: 7001 },
      ],
      password: 'pw-canary',
    });
    expect(redisTarget(loadConfig({ REDIS_CLUSTER_NODES: 'a:1' }))).toEqual({
      clusterNodes: [{ host: 'a', port: 1 }],
    });
  });

  test.each(['redis-0', 'a:1,', 'a:1, b:2', 'redis://a:1', 'a:0', 'a:70000'])(
    '%j stops start-up, naming the variable',
    (value) => {
      expect(() => loadConfig({ REDIS_CLUSTER_NODES: value })).toThrow(ConfigError);
      expect(() => loadConfig({ REDIS_CLUSTER_NODES: value })).toThrow(/REDIS_CLUSTER_NODES/);
    },
  );

  test('the password is a secret: shown only as set or not', () => {
    const shown = describeConfig(
      loadConfig({ REDIS_CLUSTER_NODES: 'a:1', REDIS_CLUSTER_PASSWORD: 'pw-canary' }),
    );
    expect(JSON.stringify(shown)).not.toContain('pw-canary');
    expect(shown.REDIS_CLUSTER_PASSWORD).toBe(true);
  });
});
