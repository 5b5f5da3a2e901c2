import { describe, expect, test } from 'vitest';
import { assessRedis, type RedisSettings } from './redis-checks.js';

const safe: RedisSettings = {
  node: '127.0.0.1:6379',
  maxmemoryPolicy: 'noeviction',
  aofEnabled: true,
  rdbSave: '3600 1',
};

describe('assessRedis', () => {
  test('noeviction with AOF: no refusal, no warning', () => {
    expect(assessRedis(safe)).toEqual({ warnings: [] });
  });

  test.each(['allkeys-lru', 'volatile-lru', 'allkeys-random', 'volatile-ttl', 'unknown'])(
    'maxmemory-policy %s refuses the start in one line naming the fix',
    (policy) => {
      const { refusal } = assessRedis({ ...safe, maxmemoryPolicy: policy });
      expect(refusal).toContain(`maxmemory-policy ${policy}`);
      expect(refusal).toContain('noeviction');
      expect(refusal).toContain('127.0.0.1:6379');
      expect(refusal).not.toContain('\n');
    },
  );

  test('no AOF and no RDB schedule: a warning about restarts', () => {
    const { refusal, warnings } = assessRedis({ ...safe, aofEnabled: false, rdbSave: '' });
    expect(refusal).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/no persistence/);
  });

  test('RDB only: a softer warning; an unreadable save schedule is said so', () => {
    expect(assessRedis({ ...safe, aofEnabled: false }).warnings[0]).toMatch(/RDB snapshots only/);
    expect(assessRedis({ ...safe, aofEnabled: false, rdbSave: undefined }).warnings[0]).toMatch(
      /could not be read/,
    );
  });

  test('AOF on makes the save schedule irrelevant', () => {
    expect(assessRedis({ ...safe, rdbSave: '' }).warnings).toEqual([]);
  });
});
