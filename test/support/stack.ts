import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { expect, inject, vi } from 'vitest';
import { type Service, startService } from '../../src/commands/service.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { QUEUES } from '../../src/queue/catalog.js';
import { redisTarget, workerConnection } from '../../src/queue/connections.js';
import { type Simulator, startSimulator } from '../../src/sim/index.js';
import { platformTimingEnv } from './platform-timing.js';

/**
 * The whole system on loopback, time-scaled: the platform simulator, and mixkeeper's API and
 * workers on a real Redis with a namespace of their own. Every platform rule is scaled by the
 * same factor in both, so a test of minutes of platform time runs in a second.
 */

export const TIME_SCALE = 0.01;

/** What a test does to the system, whichever way it runs: through the simulator and the rooms API. */
export interface StackDriver<Request = AnySimRequest> {
  push(
    streamId: string,
    params: Record<string, string>,
    size?: { width: number; height: number },
  ): Promise<void>;
  stop(streamId: string): Promise<void>;
  /** Mix requests the simulator received, in order. */
  requests(): Promise<Request[]>;
  starts(): Promise<Request[]>;
  violations(): Promise<unknown[]>;
  faults(body: Record<string, unknown>): Promise<void>;
  room(id: string): Promise<RoomBody | null>;
  /** Waits until the room satisfies `check` (an expect-based callback). */
  until(check: () => Promise<void>, timeoutMs?: number): Promise<void>;
  /**
   * Waits until everything set going has run: the simulator owes no callback (none in flight or
   * waiting for a retry) and no job waits, is delayed or runs in the event and reconcile queues.
   * What has not happened then will not without a new event: a test may check for absence.
   */
  settled(timeoutMs?: number): Promise<void>;
}

/**
 * The driver of a simulator at `simUrl` and a mixkeeper API at `apiUrl`; `queues` gives the
 * service's event and reconcile queues (the periodic resync always has its next run waiting, so it
 * is left out).
 */
export function stackDriver<Request extends { op: string } = AnySimRequest>(
  simUrl: string,
  apiUrl: string,
  adminToken: string,
  queues: () => Queue[],
): StackDriver<Request> & { simJson<T>(path: string, init?: RequestInit): Promise<T> } {
  const simJson = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(`${simUrl}${path}`, init);
    if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
    return (res.status === 204 ? undefined : await res.json()) as T;
  };
  const post = (body: unknown): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const requests = () => simJson<Request[]>('/sim/requests');
  return {
    simJson,
    async push(streamId, params, size = { width: 540, height: 960 }) {
      await simJson(
        '/sim/streams',
        post({ streamId, params: new URLSearchParams(params).toString(), ...size }),
      );
    },
    async stop(streamId) {
      await simJson(`/sim/streams/${streamId}`, { method: 'DELETE' });
    },
    requests,
    async starts() {
      return (await requests()).filter((r) => r.op === 'start');
    },
    violations: () => simJson<unknown[]>('/sim/violations'),
    async faults(body) {
      await simJson('/sim/faults', post(body));
    },
    async room(id) {
      const res = await fetch(`${apiUrl}/v1/rooms/${id}`, {
        headers: { authorization: `Bearer ${adminToken}` },
      });
      if (res.status === 404) return null;
      return (await res.json()) as RoomBody;
    },
    until: (check, timeoutMs = 8000) => vi.waitFor(check, { timeout: timeoutMs, interval: 20 }),
    settled: (timeoutMs = 10_000) =>
      vi.waitFor(
        async () => {
          const owed = (await simJson<{ pending: boolean }[]>('/sim/callbacks')).filter((c) => c.pending);
          expect(owed.length, 'callbacks the simulator still owes').toBe(0);
          for (const queue of queues()) {
            const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
            expect({ queue: queue.name, ...counts }).toEqual({
              queue: queue.name,
              waiting: 0,
              active: 0,
              delayed: 0,
              prioritized: 0,
            });
          }
        },
        { timeout: timeoutMs, interval: 25 },
      ),
  };
}

export interface Stack extends StackDriver {
  sim: Simulator;
  service: Service;
  config: Config;
  adminToken: string;
  close(): Promise<void>;
}

/** A mix request the simulator logged; `Body` is the legacy body unless the stack may run api3. */
export interface SimRequest<Body = LegacyMixBody> {
  at: number;
  /** Which front-end of the simulator took it: the legacy CGI or Cloud API 3.0. */
  protocol: 'legacy' | 'api3';
  op: 'start' | 'cancel';
  sessionId: string;
  outputStreamId: string;
  /** The legacy code answered (API 3.0 answers are recorded in legacy numbering too). */
  code: number;
  /** API 3.0 only: the `Error.Code` answered. */
  apiCode?: string;
  body: Body;
}

/** A Mix_StreamV2 body, as the legacy backend sends it. */
export interface LegacyMixBody {
  interface: {
    para: { input_stream_list?: { input_stream_id: string; layout_params: Record<string, number> }[] };
  };
}

/** A CreateCommonMixStream / CancelCommonMixStream body, as the api3 backend sends it. */
export interface Api3MixBody {
  MixStreamSessionId: string;
  InputStreamList?: { InputStreamName: string; LayoutParams: Record<string, number> }[];
}

export type AnySimRequest = SimRequest<LegacyMixBody | Api3MixBody>;

/** Which mix API mixkeeper drives; the simulator serves both. */
export type Backend = 'legacy' | 'api3';

export interface StackOptions {
  /** Default legacy. api3 also turns on the online list for the resync. */
  backend?: Backend;
  /** Where the service's log lines go (LOG_LEVEL says how many); default stdout. */
  logDestination?: { write(line: string): void };
}

export interface RoomBody {
  id: string;
  status: string;
  lastError: { code: number | string } | null;
  streams: { streamId: string; state: string; role?: string; unmixable?: string }[];
  /** What should be mixed now; null: no mix. */
  desired?: { inputs: { streamId: string }[] } | null;
  /** Why the desired plan is what it is, one reason a line. */
  explain?: string[];
  applied: { sessionId: string } | null;
}

export async function startStack(
  overrides: Record<string, string> = {},
  options: StackOptions = {},
): Promise<Stack> {
  const appId = 1252500000;
  const callbackKey = `cb${randomUUID()}`;
  const mixKey = `mix${randomUUID()}`;
  const secretId = `AKID${randomUUID().replaceAll('-', '')}`;
  const secretKey = `sk${randomUUID()}`;
  const adminToken = `admin-${randomUUID()}`;
  const sim = await startSimulator({
    appId,
    callbackKey,
    mixKey,
    secretId,
    secretKey,
    timeScale: TIME_SCALE,
  });
  const api3 =
    options.backend === 'api3'
      ? {
          TENCENT_MIX_BACKEND: 'api3',
          TENCENT_API_URL: sim.apiUrl,
          TENCENT_SECRET_ID: secretId,
          TENCENT_SECRET_KEY: secretKey,
        }
      : {};
  const config = loadConfig({
    ...api3,
    REDIS_URL: inject('redisUrl'),
    TENCENT_APPID: String(appId),
    TENCENT_CALLBACK_KEY: callbackKey,
    TENCENT_MIX_KEY: mixKey,
    TENCENT_MIX_URL: sim.mixUrl,
    ADMIN_TOKEN: adminToken,
    ...platformTimingEnv(TIME_SCALE),
    MIX_DEBOUNCE_MS: '20',
    MIX_LEAVE_GRACE_MS: '40',
    MIX_RETRY_BASE_MS: '20',
    MIX_REQUEST_TIMEOUT_MS: '1000',
    LOG_LEVEL: 'silent',
    ...overrides,
  });
  const namespace = `e${randomUUID().replaceAll('-', '').slice(0, 10)}`;
  const service = await startService({
    config,
    roles: { api: true, workers: true },
    log: createLogger(config.LOG_LEVEL, options.logDestination),
    namespace,
    port: 0,
  });
  sim.setCallbackUrl(`${service.url}/callbacks/tencent`);
  // The service's queues as a test sees them, opened on the first `settled()`.
  let queueConnection: ReturnType<typeof workerConnection> | undefined;
  let queues: Queue[] = [];
  const openQueues = () => {
    if (!queueConnection) {
      const connection = workerConnection(redisTarget(config));
      queueConnection = connection;
      queues = [QUEUES.liveEvents, QUEUES.reconcile].map(
        (name) => new Queue(name, { connection, prefix: `{${namespace}}` }),
      );
    }
    return queues;
  };

  const stack: Stack = {
    sim,
    service,
    config,
    adminToken,
    ...stackDriver(sim.url, service.url!, adminToken, openQueues),
    async close() {
      await service.close(2000);
      await sim.close();
      await Promise.all(queues.map((queue) => queue.close()));
      queueConnection?.disconnect();
    },
  };
  return stack;
}

/** The inputs of a logged start, whichever protocol carried it: stream id and input type (0 when absent). */
export function mixInputs(req: Pick<AnySimRequest, 'body'>): { id: string; inputType: number }[] {
  const body = req.body;
  if ('interface' in body) {
    return (body.interface.para.input_stream_list ?? []).map((i) => ({
      id: i.input_stream_id,
      inputType: i.layout_params.input_type ?? 0,
    }));
  }
  return (body.InputStreamList ?? []).map((i) => ({
    id: i.InputStreamName,
    inputType: i.LayoutParams.InputType ?? 0,
  }));
}

/** Asserts the platform saw no breach of its usage rules. */
export async function expectNoViolations(stack: Pick<Stack, 'violations'>): Promise<void> {
  expect(await stack.violations()).toEqual([]);
}
