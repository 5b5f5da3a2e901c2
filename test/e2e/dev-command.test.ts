import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { freePort } from '../../src/commands/local-redis.js';

/** `npm start` as a newcomer runs it: everything local, a demo scenario, then Ctrl-C. */
describe('mixkeeper dev', () => {
  let child: ChildProcess;
  let output = '';
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
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    await vi.waitFor(() => expect(output).toContain('mixkeeper is running'), {
      timeout: 20_000,
      interval: 100,
    });
  }, 30_000);

  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  test('prints the URLs and an admin token, and serves them', async () => {
    expect(output).toContain(api);
    expect(output).toContain(`${sim}/sim/sessions`);
    const token = /admin token: ([0-9a-f]{32})/.exec(output)?.[1];
    expect(token).toBeDefined();
    expect((await fetch(`${api}/healthz`)).status).toBe(200);
    expect((await fetch(`${api}/v1/rooms/cohost`)).status).toBe(401);
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

  test('Ctrl-C stops everything and exits 0', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    await expect(fetch(`${api}/healthz`)).rejects.toThrow();
  }, 20_000);
});
