import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { live } from 'tencentcloud-sdk-nodejs/tencentcloud/services/live/index.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from '../../src/commands/local-redis.js';
import type { SessionView, Violation } from '../../src/sim/index.js';

/**
 * Tencent's own Node SDK (`tencentcloud-sdk-nodejs`) as a client of `mixkeeper sim`, run as its own
 * process on a free port with an API 3.0 key pair: what a team pointing its SDK-based code at our
 * simulator would do. The SDK signs `host` without the port and the service as the endpoint's first
 * label (`127`) while it sends `Host: 127.0.0.1:<port>` (reference §6.7); the real API accepts
 * that, so the simulator must too — and still refuse a wrong key.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const KEYS = { secretId: 'AKIDsdkconformance01', secretKey: 'sdk-conformance-secret-3e7b' };
// 5 s readiness and cancel age become 50 ms.
const TIME_SCALE = 0.01;
const PLATFORM_CANCEL_MIN_AGE_MS = 5000;

let sim: { url: string; child: ChildProcess; lines: string[] };

beforeAll(async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'sim'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      SIM_PORT: String(port),
      SIM_HOST: '127.0.0.1',
      SIM_TIME_SCALE: String(TIME_SCALE),
      TENCENT_APPID: '1400012345',
      TENCENT_CALLBACK_KEY: 'sdk-callback-key',
      TENCENT_MIX_KEY: 'sdk-mix-key',
      TENCENT_SECRET_ID: KEYS.secretId,
      TENCENT_SECRET_KEY: KEYS.secretKey,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  process.once('exit', () => child.kill('SIGKILL'));
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => lines.push(...chunk.split('\n')));
  }
  sim = { url: `http://127.0.0.1:${port}`, child, lines };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mixkeeper sim exited:\n${lines.join('\n')}`);
    const up = await fetch(`${sim.url}/healthz`).then(
      (res) => res.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error(`mixkeeper sim did not answer:\n${lines.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});

afterAll(async () => {
  if (!sim || sim.child.exitCode !== null) return;
  const exited = new Promise((resolve) => sim.child.once('exit', resolve));
  sim.child.kill('SIGTERM');
  await exited;
});

/** The SDK's client as stack-notes §9 constructs it, pointed at the simulator. */
function sdkClient(secretKey = KEYS.secretKey) {
  return new live.v20180801.Client({
    credential: { secretId: KEYS.secretId, secretKey },
    region: '',
    profile: {
      httpProfile: {
        endpoint: new URL(sim.url).host,
        protocol: 'http://',
        reqMethod: 'POST',
        reqTimeout: 10,
      },
    },
  });
}

async function simJson<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Pushes streams and waits until the simulator says every one is mixable. */
async function pushReady(...streamIds: string[]): Promise<void> {
  let readyAt = 0;
  for (const streamId of streamIds) {
    const pushed = await simJson<{ readyAt: number }>('POST', '/sim/streams', {
      streamId,
      width: 720,
      height: 1280,
    });
    readyAt = Math.max(readyAt, pushed.readyAt);
  }
  const wait = readyAt - Date.now() + 2;
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

describe('tencentcloud-sdk-nodejs against mixkeeper sim', () => {
  test('CreateCommonMixStream, DescribeLiveStreamOnlineList and CancelCommonMixStream succeed', async () => {
    const client = sdkClient();
    await pushReady('sdk_host', 'sdk_guest');

    const created = await client.CreateCommonMixStream({
      MixStreamSessionId: 'sdk_room_1',
      InputStreamList: [
        { InputStreamName: 'sdk_host', LayoutParams: { ImageLayer: 1 } },
        {
          InputStreamName: 'sdk_guest',
          LayoutParams: { ImageLayer: 2, ImageWidth: 160, ImageHeight: 240, LocationX: 380, LocationY: 630 },
        },
      ],
      OutputParams: { OutputStreamName: 'sdk_host' },
    });
    expect(created.RequestId).toEqual(expect.any(String));
    const [session] = await simJson<SessionView[]>('GET', '/sim/sessions');
    expect(session).toMatchObject({ sessionId: 'sdk_room_1', outputStreamId: 'sdk_host', state: 'live' });

    const listed = await client.DescribeLiveStreamOnlineList({ AppName: 'live', PageNum: 1, PageSize: 100 });
    expect(listed.OnlineInfo?.map((info) => info.StreamName).sort()).toEqual(['sdk_guest', 'sdk_host']);
    expect(listed.TotalNum).toBe(2);

    // The platform asks for 5 s (platform time) between a start and its cancel.
    await new Promise((resolve) => setTimeout(resolve, PLATFORM_CANCEL_MIN_AGE_MS * TIME_SCALE + 20));
    const cancelled = await client.CancelCommonMixStream({ MixStreamSessionId: 'sdk_room_1' });
    expect(cancelled.RequestId).toEqual(expect.any(String));
    expect(await simJson<SessionView[]>('GET', '/sim/sessions')).toEqual([]);
    expect(await simJson<Violation[]>('GET', '/sim/violations')).toEqual([]);
  });

  test('a wrong secret key is still refused with AuthFailure.SignatureFailure', async () => {
    const attempt = sdkClient('not-the-secret-key').CancelCommonMixStream({
      MixStreamSessionId: 'sdk_room_1',
    });
    await expect(attempt).rejects.toMatchObject({ code: 'AuthFailure.SignatureFailure' });
  });
});
