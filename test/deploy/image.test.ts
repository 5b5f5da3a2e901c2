import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort, type LocalRedis, startLocalRedis } from '../../src/commands/local-redis.js';
import { ROOT, read } from './manifests.js';

/**
 * deploy/Dockerfile and what it builds. No Docker engine runs here, so the Dockerfile is checked
 * as text, and what its build stage does — `npm run build`, then plain `node dist/src/cli.js`
 * without tsx — is done for real.
 */

const run = promisify(execFile);
const dockerfile = read('deploy/Dockerfile');
const instructions = dockerfile
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));
const packageJson = JSON.parse(read('package.json')) as { bin: { mixkeeper: string } };

describe('deploy/Dockerfile', () => {
  test('multi-stage on node:22-bookworm-slim, production dependencies only in the final stage', () => {
    expect(instructions).toContain('ARG NODE_IMAGE=node:22-bookworm-slim');
    const stages = instructions.filter((line) => line.startsWith('FROM '));
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage).toMatch(/^FROM \$\{NODE_IMAGE\} AS \w+$/);
    expect(instructions.some((line) => /^RUN npm ci --omit=dev\b/.test(line))).toBe(true);
    const final = instructions.slice(instructions.lastIndexOf(stages.at(-1)!));
    // The runtime stage copies built JS and pruned node_modules; it never compiles or installs dev deps.
    expect(final.some((line) => /npm (ci|install)(?!.*--omit=dev)/.test(line))).toBe(false);
    expect(final).toContain('COPY --from=build /app/dist ./dist');
  });

  test('runs as a numeric non-root user, with a healthcheck, the role chosen by the command', () => {
    const user = instructions.filter((line) => line.startsWith('USER '));
    expect(user).toHaveLength(1);
    const [uid, gid] = (user[0] ?? '').slice(5).split(':').map(Number);
    expect(uid).toBeGreaterThan(0);
    expect(gid).toBeGreaterThan(0);
    expect(instructions.find((line) => line.startsWith('HEALTHCHECK'))).toContain(
      'CMD ["node", "deploy/healthcheck.mjs"]',
    );
    // The entrypoint is the package's own bin, compiled.
    expect(instructions).toContain(`ENTRYPOINT ["node", "${packageJson.bin.mixkeeper}"]`);
    expect(instructions).toContain('CMD ["api"]');
  });

  test('everything it copies exists and is not excluded by .dockerignore', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    const copied = instructions
      .filter((line) => line.startsWith('COPY ') && !line.includes('--from='))
      .flatMap((line) => line.split(/\s+/).slice(1, -1));
    expect(copied.length).toBeGreaterThan(0);
    for (const path of copied) {
      expect(existsSync(join(ROOT, path)), path).toBe(true);
      expect(
        ignored.some((pattern) => path === pattern || path.startsWith(`${pattern}/`)),
        path,
      ).toBe(false);
    }
    for (const secretish of ['.env', '.git', 'node_modules', '.data']) expect(ignored).toContain(secretish);
  });
});

describe('the compiled CLI (what the image runs)', () => {
  let outDir: string;
  let redis: LocalRedis | undefined;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    // Inside the repository, so Node finds node_modules as it does in /app.
    await mkdir(join(ROOT, '.data'), { recursive: true });
    outDir = await mkdtemp(join(ROOT, '.data', 'build-'));
    await run('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: ROOT }).catch(
      (error: { stdout?: string }) => {
        throw new Error(`npm run build failed:\n${error.stdout ?? String(error)}`);
      },
    );
    redis = await startLocalRedis();
  }, 120_000);
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await redis?.stop();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  const cli = () => join(outDir, relative('dist', packageJson.bin.mixkeeper));

  test('imports only production dependencies (the image has no devDependencies)', async () => {
    const { dependencies } = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    const imported = new Set<string>();
    for (const file of await readdir(outDir, { recursive: true })) {
      if (!file.endsWith('.js')) continue;
      const code = await readFile(join(outDir, file), 'utf8');
      // Statements only (a line that starts with import/export), so prose that says "from 'x'" is not an import.
      const statements =
        /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"./][^'"]*)['"]|^\s*import\s*['"]([^'"./][^'"]*)['"]|\bimport\(\s*['"]([^'"./][^'"]*)['"]/gm;
      for (const match of code.matchAll(statements)) {
        const specifier = (match[1] ?? match[2] ?? match[3])!;
        if (specifier.startsWith('node:')) continue;
        const parts = specifier.split('/');
        imported.add(specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!);
      }
    }
    expect(imported.size).toBeGreaterThan(3);
    for (const name of imported) expect(Object.keys(dependencies), name).toContain(name);
  });

  test('runs under plain node: help and an offline layout', async () => {
    const help = await run(process.execPath, [cli(), '--help']);
    for (const role of ['api', 'worker', 'sim']) expect(help.stdout).toContain(role);
    const layout = await run(process.execPath, [
      cli(),
      'layout',
      '--preset',
      'grid',
      '--streams',
      'a,b,c',
      '--format',
      'body',
    ]);
    expect(JSON.parse(layout.stdout)).toMatchObject({ interface: { interfaceName: 'Mix_StreamV2' } });
  });

  test('the api, worker and sim roles start and answer their healthchecks', async () => {
    const [apiPort, workerPort, simPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const env = {
      PATH: process.env.PATH ?? '',
      REDIS_URL: redis!.url,
      TENCENT_APPID: '1252500000',
      TENCENT_CALLBACK_KEY: 'k1',
      TENCENT_MIX_KEY: 'k2',
      ADMIN_TOKEN: 'admin-token-for-the-image-test-0123456789',
      LOG_LEVEL: 'silent',
    };
    const start = (role: string, extra: Record<string, string>) => {
      const child = spawn(process.execPath, [cli(), role], { env: { ...env, ...extra }, stdio: 'ignore' });
      children.push(child);
      return child;
    };
    const roles = [
      { child: start('api', { PORT: String(apiPort) }), env: { PORT: String(apiPort) } },
      { child: start('worker', { PORT: String(workerPort) }), env: { PORT: String(workerPort) } },
      { child: start('sim', { SIM_PORT: String(simPort) }), env: { SIM_PORT: String(simPort) } },
    ];
    const healthcheck = (pid: number, extra: Record<string, string>) =>
      run(process.execPath, [join(ROOT, 'deploy/healthcheck.mjs')], {
        env: { PATH: env.PATH, HEALTHCHECK_PID: String(pid), ...extra },
      });
    for (const { child, env: portEnv } of roles) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        expect(child.exitCode).toBeNull();
        const ok = await healthcheck(child.pid!, portEnv).then(
          () => true,
          () => false,
        );
        if (ok) break;
        if (Date.now() > deadline) throw new Error(`${child.spawnargs.join(' ')} never became healthy`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    // Ready too: the worker's ops server reaches Redis.
    expect((await fetch(`http://127.0.0.1:${workerPort}/readyz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${apiPort}/readyz`)).status).toBe(200);
    // Assets the API serves from node_modules (the queue dashboard) are there without dev deps.
    const auth = { authorization: `Bearer ${env.ADMIN_TOKEN}` };
    const dashboard = await fetch(`http://127.0.0.1:${apiPort}/admin/queues`, { headers: auth });
    expect(dashboard.status).toBe(200);
    const page = await dashboard.text();
    const asset = /(?:src|href)="([^"]+\.(?:js|css))"/.exec(page)?.[1];
    expect(asset).toBeDefined();
    const assetUrl = new URL(asset!, `http://127.0.0.1:${apiPort}/admin/queues/`);
    expect((await fetch(assetUrl, { headers: auth })).status).toBe(200);
    for (const { child } of roles) {
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 60_000);
});
