import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './processes.js';

/** What the numbers were measured on. */
export interface Machine {
  cpuModel: string;
  cores: number;
  ramGiB: number;
  os: string;
  kernel: string;
  node: string;
  redis: string;
  /** Versions of the packages on the measured paths. */
  packages: Record<string, string>;
  /** 1-minute load average when the bench started and ended: other work on the machine skews every figure. */
  loadAverage: { start: number; end: number };
}

export function describeMachine(): Machine {
  const cpuinfo = read('/proc/cpuinfo');
  const osRelease = read('/etc/os-release');
  let redis = 'unknown';
  try {
    redis = /v=(\S+)/.exec(execFileSync('redis-server', ['--version'], { encoding: 'utf8' }))?.[1] ?? redis;
  } catch {
    // reported as unknown
  }
  const packages: Record<string, string> = {};
  for (const name of ['hono', '@hono/node-server', 'bullmq', 'ioredis', 'zod', 'autocannon']) {
    try {
      const pkg = JSON.parse(read(join(ROOT, 'node_modules', name, 'package.json'))) as { version?: string };
      packages[name] = pkg.version ?? 'unknown';
    } catch {
      packages[name] = 'missing';
    }
  }
  return {
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(osRelease)?.[1] ?? 'unknown',
    kernel: release(),
    node: process.version,
    redis,
    packages,
    loadAverage: { start: currentLoad(), end: 0 },
  };
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export const round1 = (n: number) => Math.round(n * 10) / 10;

/** The 1-minute load average now. */
export const currentLoad = () => round1(loadavg()[0] ?? 0);
