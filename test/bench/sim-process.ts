import { freePort } from '../../src/commands/local-redis.js';
import type { MixRequestRecord, SessionView, StreamView, Violation } from '../../src/sim/index.js';
import { httpJson } from './http-json.js';
import {
  answers,
  type BenchProcess,
  mixkeeperArgs,
  type Runtime,
  spawnNode,
  waitUntil,
} from './processes.js';

/** The platform simulator as its own process (`mixkeeper sim`), driven over its /sim/* routes. */

export interface PlatformKeys {
  appId: number;
  callbackKey: string;
  mixKey: string;
}

export interface SimProcessOptions {
  name: string;
  runtime: Runtime;
  logDir: string;
  keys: PlatformKeys;
  timeScale: number;
  /** Where the simulator sends push/disconnect callbacks; none are sent when absent. */
  callbackUrl?: string;
  /** SIM_PORT; a free one when absent. */
  port?: number;
}

export interface SimProcess {
  url: string;
  mixUrl: string;
  process: BenchProcess;
  push(
    streamId: string,
    params: Record<string, string>,
    size?: { width: number; height: number },
  ): Promise<StreamView>;
  /** The stopped stream, or null when it was not live. */
  stop(streamId: string): Promise<StreamView | null>;
  requests(): Promise<MixRequestRecord[]>;
  violations(): Promise<Violation[]>;
  sessions(): Promise<SessionView[]>;
  close(): Promise<void>;
}

export async function startSimProcess(options: SimProcessOptions): Promise<SimProcess> {
  const port = options.port ?? (await freePort());
  const proc = spawnNode(options.name, mixkeeperArgs(options.runtime, 'sim'), {
    logDir: options.logDir,
    env: {
      SIM_PORT: String(port),
      SIM_HOST: '127.0.0.1',
      SIM_TIME_SCALE: String(options.timeScale),
      TENCENT_APPID: String(options.keys.appId),
      TENCENT_CALLBACK_KEY: options.keys.callbackKey,
      TENCENT_MIX_KEY: options.keys.mixKey,
      ...(options.callbackUrl ? { SIM_CALLBACK_URL: options.callbackUrl } : {}),
    },
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntil(`${options.name} to answer`, () => answers(`${url}/healthz`), 30_000);
  } catch (error) {
    await proc.stop();
    throw error;
  }

  const json = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await httpJson(method, `${url}${path}`, body);
    if (res.status < 200 || res.status >= 300)
      throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
    return JSON.parse(res.text) as T;
  };
  return {
    url,
    mixUrl: `${url}/common_access`,
    process: proc,
    push: (streamId, params, size = { width: 540, height: 960 }) =>
      json<StreamView>('POST', '/sim/streams', { streamId, params, ...size }),
    async stop(streamId) {
      const res = await httpJson('DELETE', `${url}/sim/streams/${streamId}`);
      if (res.status === 404) return null;
      if (res.status !== 200) throw new Error(`DELETE /sim/streams/${streamId}: ${res.status}`);
      return JSON.parse(res.text) as StreamView;
    },
    requests: () => json<MixRequestRecord[]>('GET', '/sim/requests'),
    violations: () => json<Violation[]>('GET', '/sim/violations'),
    sessions: () => json<SessionView[]>('GET', '/sim/sessions'),
    close: () => proc.stop(),
  };
}
