import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * mixkeeper as a real child process (`node --import tsx src/cli.ts <role>`), for tests that kill,
 * signal or restart it. Output is kept line by line (pino JSON for the service). Every child is
 * SIGKILLed when the test process exits, however it exits.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ONLINE_LIST_ENTRY = fileURLToPath(new URL('./mixkeeper-online-list-entry.ts', import.meta.url));

export type Role = 'all' | 'api' | 'worker';

export interface MixkeeperProcess {
  role: Role;
  /** Its HTTP server: the API, or a worker's probes. */
  url: string;
  pid: number;
  child: ChildProcess;
  /** Output lines so far, stdout and stderr. */
  lines: string[];
  /** The lines that are pino JSON, parsed. */
  logs(): LogLine[];
  exited: Promise<Exit>;
  /** SIGKILL, as a crash would. */
  kill(): Promise<Exit>;
  /** SIGTERM; resolves with the exit and how long it took. */
  terminate(): Promise<Exit & { ms: number }>;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LogLine {
  level: number;
  time: number;
  msg?: string;
  [field: string]: unknown;
}

export interface SpawnOptions {
  role: Role;
  port: number;
  env: Record<string, string>;
  /** `all`, with the resync reading the simulator's live streams (env SIM_ONLINE_LIST_URL). */
  simOnlineList?: boolean;
  /** Wait until /readyz answers 200 (default true). */
  waitReady?: boolean;
  /** Extra node flags (e.g. --cpu-prof when looking into a slow run). */
  nodeArgs?: string[];
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function killAllOnExit() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

export async function spawnMixkeeper(options: SpawnOptions): Promise<MixkeeperProcess> {
  killAllOnExit();
  const args = [
    ...(options.nodeArgs ?? []),
    ...(options.simOnlineList
      ? ['--import', 'tsx', ONLINE_LIST_ENTRY]
      : ['--import', 'tsx', 'src/cli.ts', options.role]),
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...options.env, PORT: String(options.port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      if (lines.length < 200_000) lines.push(...parts);
    });
  }
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  const proc: MixkeeperProcess = {
    role: options.role,
    url: `http://127.0.0.1:${options.port}`,
    pid: child.pid ?? -1,
    child,
    lines,
    logs: () =>
      lines.flatMap((line) => {
        if (!line.startsWith('{')) return [];
        try {
          return [JSON.parse(line) as LogLine];
        } catch {
          return [];
        }
      }),
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
    async terminate() {
      const started = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const exit = await exited;
      return { ...exit, ms: Date.now() - started };
    },
  };
  if (options.waitReady !== false) {
    try {
      await waitReady(proc);
    } catch (error) {
      await proc.kill();
      throw error;
    }
  }
  return proc;
}

/** Polls /readyz until 200; fails fast (with the output) if the process exits first. */
export async function waitReady(proc: MixkeeperProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exit: Exit | undefined;
  void proc.exited.then((e) => {
    exit = e;
  });
  for (;;) {
    if (exit)
      throw new Error(
        `mixkeeper ${proc.role} exited (${exit.code ?? exit.signal}):\n${proc.lines.join('\n')}`,
      );
    try {
      const res = await fetch(`${proc.url}/readyz`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`mixkeeper ${proc.role} not ready:\n${proc.lines.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
