import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { freePort } from '../../src/commands/local-redis.js';
import { outputOf, untilDevBanner } from '../support/dev-output.js';

/** `npm start` as a newcomer runs it: everything local, a demo scenario, then Ctrl-C. */
describe('mixkeeper dev', () => {
  let child: ChildProcess;
  let output: { text: string };
  let dataDir: string;
  let api: string;
  let sim: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mk-dev-'));
    const [port, simPort] = [await freePort(), await freePort()];
    api = `http://127.0.0.1:${port}`;
    sim = `http://127.0.0.1:${simPort}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      SIM_PORT: String(simPort),
      LOG_LEVEL: 'warn',
    };
    delete env.REDIS_URL;
    delete env.ADMIN_TOKEN;
    child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'dev', '--time-scale', '0.01', '--data-dir', dataDir],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    output = outputOf(child);
    await untilDevBanner(output);
  }, 60_000);

  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  test('prints the URLs, the demo room’s page and an admin token, and serves them', async () => {
    expect(output.text).toContain(api);
    expect(output.text).toContain(`${api}/ui/rooms/demo`);
    // A browser at the bare host lands on the pages.
    const root = await fetch(`${api}/`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(root.headers.get('location')).toBe('/ui');
    expect(output.text).toContain(`${sim}/sim/sessions`);
    const token = /admin token: ([0-9a-f]{32})/.exec(output.text)?.[1];
    expect(token).toBeDefined();
    expect((await fetch(`${api}/healthz`)).status).toBe(200);
    expect((await fetch(`${api}/v1/rooms/demo`)).status).toBe(401);
    expect((await fetch(`${sim}/sim/violations`)).status).toBe(200);
  });

  test('the demo scenario gets mixed, within the platform’s rules', async () => {
    await vi.waitFor(
      async () => {
        const requests = (await (await fetch(`${sim}/sim/requests`)).json()) as {
          op: string;
          code: number;
        }[];
        expect(requests.some((r) => r.op === 'start' && r.code === 0)).toBe(true);
      },
      { timeout: 15_000, interval: 100 },
    );
    expect(await (await fetch(`${sim}/sim/violations`)).json()).toEqual([]);
  });

  test('a second one on a port in use exits 1 with one clear line, leaving no redis-server behind', async () => {
    const otherDir = await mkdtemp(join(tmpdir(), 'mk-dev-'));
    try {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        PORT: new URL(api).port,
        SIM_PORT: String(await freePort()),
        LOG_LEVEL: 'silent',
      };
      delete env.REDIS_URL;
      const second = spawn(
        process.execPath,
        ['--import', 'tsx', 'src/cli.ts', 'dev', '--data-dir', otherDir],
        {
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      second.stderr?.on('data', (chunk) => {
        stderr += chunk;
      });
      const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
      expect(code).toBe(1);
      expect(stderr.trim()).toBe(
        `mixkeeper dev: the service cannot start: port ${new URL(api).port} is already in use`,
      );
      // Its private redis-server ran in otherDir (redis chdirs into its --dir): none is left there.
      expect(await processesIn(otherDir)).toEqual([]);
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  }, 30_000);

  test('an unknown scenario exits 2 before anything starts', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '1', SIM_PORT: '1' };
    delete env.REDIS_URL;
    const second = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'dev', '--scenario', 'no-such-scenario'],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    second.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    expect(await new Promise((resolve) => second.once('exit', resolve))).toBe(2);
    expect(stderr).toMatch(/^mixkeeper dev: scenario no-such-scenario/);
  }, 30_000);

  test('Ctrl-C stops everything and exits 0', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    await expect(fetch(`${api}/healthz`)).rejects.toThrow();
  }, 20_000);

  test('a restart keeps the admin token (kept in the data dir, mode 600), so sessions survive it', async () => {
    const first = /export ADMIN_TOKEN=([0-9a-f]{32})$/m.exec(output.text)?.[1];
    expect(first).toBeDefined();
    expect((await stat(join(dataDir, 'admin-token'))).mode & 0o777).toBe(0o600);
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: new URL(api).port, SIM_PORT: new URL(sim).port };
    delete env.REDIS_URL;
    delete env.ADMIN_TOKEN;
    const again = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'dev', '--no-demo', '--data-dir', dataDir],
      { env: { ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let banner = '';
    again.stdout?.on('data', (chunk) => {
      banner += chunk;
    });
    try {
      await vi.waitFor(() => expect(banner).toContain('export ADMIN_TOKEN='), {
        timeout: 20_000,
        interval: 100,
      });
      expect(banner).toContain(`export ADMIN_TOKEN=${first}`);
      expect(banner).toContain(`kept in ${join(dataDir, 'admin-token')}`);
    } finally {
      const exited = new Promise((resolve) => again.once('exit', resolve));
      again.kill('SIGINT');
      await exited;
    }
  }, 30_000);
});

/** Pids of the processes whose working directory is `dir` (Linux /proc). */
async function processesIn(dir: string): Promise<string[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const cwds = await Promise.all(pids.map((pid) => readlink(`/proc/${pid}/cwd`).catch(() => '')));
  return pids.filter((_, i) => cwds[i] === dir);
}
