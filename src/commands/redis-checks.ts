import type { Cluster, Redis } from 'ioredis';
import { ConfigError } from '../config.js';
import type { Logger } from '../log.js';
import type { RedisClient } from '../queue/connections.js';

/**
 * What mixkeeper needs from the Redis it is given, checked once at start-up: an eviction policy
 * other than `noeviction` can silently drop queued jobs, dedup keys and room state, so the process
 * refuses to start; no persistence at all is allowed (tests, throw-away setups) but warned about.
 */

export interface RedisSettings {
  /** Where the settings were read, without credentials (host:port). */
  node: string;
  maxmemoryPolicy: string;
  aofEnabled: boolean;
  /** The `save` schedule; '' = RDB snapshots off; undefined when CONFIG is not allowed. */
  rdbSave: string | undefined;
}

export interface RedisAssessment {
  /** One line that stops the start, or undefined. */
  refusal?: string;
  warnings: string[];
}

export function assessRedis(settings: RedisSettings): RedisAssessment {
  const warnings: string[] = [];
  if (settings.maxmemoryPolicy !== 'noeviction') {
    return {
      refusal:
        `Redis at ${settings.node} has maxmemory-policy ${settings.maxmemoryPolicy}; mixkeeper needs noeviction ` +
        '(evicted keys lose queued callbacks and room state): set maxmemory-policy noeviction',
      warnings,
    };
  }
  if (!settings.aofEnabled && settings.rdbSave === '') {
    warnings.push(
      `Redis at ${settings.node} has no persistence (appendonly no, save ""): a restart loses queued callbacks and room state; use appendonly yes`,
    );
  } else if (!settings.aofEnabled && settings.rdbSave === undefined) {
    warnings.push(
      `Redis at ${settings.node} has appendonly no and its save schedule could not be read: a restart may lose queued callbacks and room state`,
    );
  } else if (!settings.aofEnabled) {
    warnings.push(
      `Redis at ${settings.node} persists by RDB snapshots only (save "${settings.rdbSave}"): a crash loses everything since the last one; prefer appendonly yes`,
    );
  }
  return { warnings };
}

/** Reads the settings from INFO (always allowed) and CONFIG GET save (often disabled on managed Redis). */
export async function readRedisSettings(redis: Redis): Promise<RedisSettings> {
  const info = parseInfo(`${await redis.info('memory')}\n${await redis.info('persistence')}`);
  let rdbSave: string | undefined;
  try {
    const reply = (await redis.config('GET', 'save')) as string[];
    rdbSave = reply[1] ?? '';
  } catch {
    rdbSave = undefined;
  }
  return {
    node: `${redis.options.host ?? '?'}:${redis.options.port ?? '?'}`,
    maxmemoryPolicy: info.maxmemory_policy ?? 'unknown',
    aofEnabled: info.aof_enabled === '1',
    rdbSave,
  };
}

/**
 * Checks every primary (one for a standalone Redis): throws a one-line ConfigError when one would
 * lose keys under memory pressure, logs a warning when one keeps nothing across a restart.
 */
export async function checkRedis(client: RedisClient, log: Logger): Promise<void> {
  const nodes = client.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
  for (const node of nodes) {
    const assessment = assessRedis(await readRedisSettings(node));
    if (assessment.refusal) throw new ConfigError(assessment.refusal);
    for (const warning of assessment.warnings) log.warn(warning);
  }
}

function parseInfo(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) fields[line.slice(0, at)] = line.slice(at + 1).trim();
  }
  return fields;
}
