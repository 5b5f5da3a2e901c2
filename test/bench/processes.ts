import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Child processes of the bench: mixkeeper's `api` / `worker` / `sim` commands and the baseline
 * server, each a real `node` process with its output in a log file, measured through /proc.
 */

/** The repository root (this file is test/bench/processes.ts). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `dist`: the compiled JavaScript production runs (`npm run build`); `tsx`: the sources, transpiled on load. */
export type Runtime = 'dist' | 'tsx';

/** Linux reports CPU time in clock ticks of USER_HZ, which is 100 on every Linux ABI. */
const TICKS_PER_SECOND = 100;

export interface BenchProcess {
  name: string;
  pid: number;
  logFile: string;
  /** Resident memory now and the peak since start, bytes (VmRSS, VmHWM). */
  memory(): { rssBytes: number; peakRssBytes: number };
  /** User + system CPU time so far, ms. */
  cpuMs(): number;
  /** True once the log file contains `text`. */
  logged(text: string): boolean;
  /** SIGTERM, SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  env: Record<string, string>;
  logDir: string;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
}

/** The node arguments that run `mixkeeper <command>` of the checkout `root` in this runtime. */
export function mixkeeperArgs(runtime: Runtime, command: string, root = ROOT): string[] {
  return runtime === 'dist'
    ? [join(root, 'dist/src/cli.js'), command]
    : ['--import', 'tsx', join(root, 'src/cli.ts'), command];
}

/** Bench-only entry points (the baseline server) always run from source through tsx. */
export function benchScriptArgs(file: string): string[] {
  return ['--import', 'tsx', join(ROOT, 'test/bench', file)];
}

export function spawnNode(name: string, args: string[], options: SpawnOptions): BenchProcess {
  const logFile = join(options.logDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...args], {
      cwd: ROOT,
      // PATH and HOME only: the bench must not leak the caller's REDIS_URL or keys into a service.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const pid = child.pid ?? -1;
  return {
    name,
    pid,
    logFile,
    memory() {
      const status = readProc(pid, 'status');
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
      return { rssBytes: kb('VmRSS') * 1024, peakRssBytes: kb('VmHWM') * 1024 };
    },
    cpuMs: () => cpuMsOf(pid),
    logged(text) {
      try {
        return readFileSync(logFile, 'utf8').includes(text);
      } catch {
        return false;
      }
    },
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** User + system CPU time of any process so far, ms (0 once it is gone). */
export function cpuMsOf(pid: number): number {
  // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
  const stat = readProc(pid, 'stat');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * 1000) / TICKS_PER_SECOND;
}

function readProc(pid: number, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
}

/** Polls `check` every `intervalMs` until it is true; throws naming `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (
      await Promise.resolve()
        .then(check)
        .catch(() => false)
    )
      return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** True when `url` answers 2xx. */
export async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}
