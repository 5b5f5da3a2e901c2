import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { freePort } from '../../src/commands/local-redis.js';
import { outputOf, untilDevBanner } from '../support/dev-output.js';

/**
 * The README as a newcomer follows it: every command of its `sh` blocks runs, in order, in a fresh
 * copy of the checkout (the files git would clone, plus untracked ones not ignored), against the
 * stack its `npm start` started there. Only two commands are not run as written:
 * - `npm install`: the copy links this checkout's node_modules (an install would take minutes);
 * - `npm test`: the suite this file belongs to.
 * Commands are run as written except that the ports 8080 and 9090 become free ones (other tests
 * run beside this one) and curl gets `-sS --fail-with-body`, so a 4xx fails the command.
 */

const ROOT = join(import.meta.dirname, '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The commands of every ```sh block, `\`-continued lines joined, comments and blank lines dropped. */
function readmeCommands(markdown: string): string[] {
  const commands: string[] = [];
  for (const block of markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)) {
    const body = (block[1] ?? '').replace(/\\\n\s*/g, ' ');
    for (const line of body.split('\n')) {
      // A `#` after whitespace starts a comment (none of the README's commands quote one).
      const command = line.replace(/\s+#.*$/, '').trim();
      if (command && !command.startsWith('#')) commands.push(command);
    }
  }
  return commands;
}

const STARTS_THE_STACK = 'npm install && npm start';
const NOT_RUN = new Set(['npm test']);
const commands = readmeCommands(README);

let clone: string;
let child: ChildProcess | undefined;
let output = { text: '' };
let env: NodeJS.ProcessEnv;
let ports: { api: number; sim: number };

beforeAll(async () => {
  clone = await mkdtemp(join(tmpdir(), 'mk-readme-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((file) => file && existsSync(join(ROOT, file)));
  for (const file of files) {
    await mkdir(dirname(join(clone, file)), { recursive: true });
    await copyFile(join(ROOT, file), join(clone, file));
  }
  await symlink(join(ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');

  ports = { api: await freePort(), sim: await freePort() };
  env = { ...process.env, PORT: String(ports.api), SIM_PORT: String(ports.sim), LOG_LEVEL: 'warn' };
  delete env.REDIS_URL;
  delete env.ADMIN_TOKEN;
  // The terminal commands' default (http://127.0.0.1:8080), moved to this run's port like the rest.
  env.MIXKEEPER_URL = `http://127.0.0.1:${ports.api}`;
  delete env.npm_config_prefix;
}, 60_000);

afterAll(async () => {
  if (child?.pid) {
    // Ctrl-C to the whole group (npm, tsx, the service, its redis-server), then wait until none is left.
    const group = -child.pid;
    const alive = () => {
      try {
        process.kill(group, 0);
        return true;
      } catch {
        return false;
      }
    };
    if (alive()) process.kill(group, 'SIGINT');
    const deadline = Date.now() + 20_000;
    while (alive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    if (alive()) process.kill(group, 'SIGKILL');
  }
  if (clone) await rm(clone, { recursive: true, force: true, maxRetries: 5 });
}, 30_000);

/** The command with the local ports swapped for this run's, and curl told to fail on an error status. */
function asRun(command: string): string {
  return command
    .replace(/(localhost|127\.0\.0\.1):8080/g, `$1:${ports.api}`)
    .replace(/(localhost|127\.0\.0\.1):9090/g, `$1:${ports.sim}`)
    .replace(/(^|&&\s*|\|\s*)curl /g, '$1curl -sS --fail-with-body ');
}

async function startStack(): Promise<void> {
  // Its own process group, so the stop reaches npm, tsx and the service behind them.
  child = spawn('bash', ['-c', 'npm start'], {
    cwd: clone,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  output = outputOf(child);
  await untilDevBanner(output);
  // As the README says: the banner's export line, pasted into the terminal.
  const token = /^\s*export ADMIN_TOKEN=([0-9a-f]+)$/m.exec(output.text)?.[1];
  expect(token, output.text).toBeDefined();
  env.ADMIN_TOKEN = token;
  expect(output.text).toContain(`http://127.0.0.1:${ports.api}/ui/rooms/demo`);
}

function runInClone(command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const shell = spawn('bash', ['-o', 'pipefail', '-c', command], {
      cwd: clone,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    shell.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    shell.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    shell.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('every command in the README works from a fresh checkout', () => {
  test('the README has the commands this test knows how to start', () => {
    expect(commands).toContain(STARTS_THE_STACK);
    for (const skipped of NOT_RUN) expect(commands).toContain(skipped);
  });

  for (const command of commands) {
    if (NOT_RUN.has(command)) continue;
    test(command, async () => {
      if (command === STARTS_THE_STACK) {
        await startStack();
        return;
      }
      expect(child, 'the stack was started by the README’s first block').toBeDefined();
      const { code, stdout, stderr } = await runInClone(asRun(command));
      expect(code, `${command}\n${stderr}${stdout}`).toBe(0);
      const redirect = /> *(\S+)$/.exec(command)?.[1];
      if (redirect) expect((await readFile(join(clone, redirect), 'utf8')).length).toBeGreaterThan(0);
      else if (command.includes('mixkeeper'))
        expect(stdout.trim(), `${command} printed nothing`).not.toBe('');
      // `npm run -s` keeps npm's own lines out: what a command prints is the command's alone.
      expect(stdout).not.toMatch(/^> mixkeeper@/m);
      // The README promises the pushed guest shows in the demo room.
      if (command.includes('"streamId":"guest_2"')) {
        await vi.waitFor(
          async () => {
            const room = await (
              await fetch(`http://127.0.0.1:${ports.api}/v1/rooms/demo`, {
                headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` },
              })
            ).json();
            expect(JSON.stringify((room as { desired?: unknown }).desired)).toContain('guest_2');
          },
          { timeout: 15_000, interval: 200 },
        );
      }
    }, 60_000);
  }
});
