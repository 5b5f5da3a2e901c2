import { type Simulator, type SimulatorOptions, startSimulator } from '../simulator.js';
import { type MixAnswer, type MixAuth, postMix, type QueryOverrides } from './mix-client.js';

/** A simulator on a free port plus small HTTP helpers, for the simulator's own tests. */

export const TEST_KEYS = {
  appId: 1400012345,
  callbackKey: 'test-callback-key-5f2c',
  mixKey: 'test-mix-key-81d0',
} as const;

export interface TestSim {
  sim: Simulator;
  auth: MixAuth;
  getJson<T>(path: string): Promise<T>;
  /** POSTs JSON to a /sim route; returns the status and parsed body. */
  postJson<T = unknown>(path: string, body: unknown): Promise<{ status: number; body: T }>;
  del(path: string): Promise<number>;
  /** POST /sim/streams. */
  push(spec: Record<string, unknown>): Promise<{ sequence: string; readyAt: number }>;
  /** Pushes and waits until every stream is mixable. */
  pushReady(...specs: Record<string, unknown>[]): Promise<void>;
  /** A signed POST /common_access. */
  mix(body: unknown, options?: QueryOverrides & { signal?: AbortSignal }): Promise<MixAnswer>;
  close(): Promise<void>;
}

export async function startTestSim(options: Partial<SimulatorOptions> = {}): Promise<TestSim> {
  const sim = await startSimulator({ ...TEST_KEYS, timeScale: 0.01, ...options });
  const auth = { appId: options.appId ?? TEST_KEYS.appId, mixKey: options.mixKey ?? TEST_KEYS.mixKey };
  const getJson = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${sim.url}${path}`);
    if (!response.ok) throw new Error(`GET ${path} → ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const postJson = async <T>(path: string, body: unknown) => {
    const response = await fetch(`${sim.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const push = async (spec: Record<string, unknown>) => {
    const { status, body } = await postJson<{ sequence: string; readyAt: number }>('/sim/streams', spec);
    if (status !== 201) throw new Error(`push ${JSON.stringify(spec)} → ${status} ${JSON.stringify(body)}`);
    return body;
  };
  return {
    sim,
    auth,
    getJson,
    postJson,
    del: async (path) => (await fetch(`${sim.url}${path}`, { method: 'DELETE' })).status,
    push,
    async pushReady(...specs) {
      let readyAt = 0;
      for (const spec of specs) readyAt = Math.max(readyAt, (await push(spec)).readyAt);
      const wait = readyAt - Date.now() + 2;
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    },
    mix: (body, queryOptions) => postMix(sim.mixUrl, auth, body, queryOptions),
    close: () => sim.close(),
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
