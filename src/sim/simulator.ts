import { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Clock } from './core/clock.js';
import { type FaultPlanInput, faultPlanSchema } from './core/faults.js';
import { type PushSpec, pushSpecSchema } from './core/streams.js';
import { createSimApp } from './http/app.js';
import type { CallbackRecord } from './ingest/callback-sender.js';
import { createSimCore, type SimCore, type StreamView } from './sim-core.js';

/**
 * The one way to build a simulator, embedded (tests, `mixkeeper dev`) or as `mixkeeper sim`
 * (`simulatorOptions` in sim-config.ts maps the environment onto these options).
 */

export interface SimulatorOptions {
  /** 0 = a free port (the default when embedded; the CLI uses SIM_PORT). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Where push/disconnect callbacks go; settable later. Unset: callbacks are not sent. */
  callbackUrl?: string;
  /** 0.01 turns the 5 s readiness into 50 ms; every platform duration scales. Default 1. */
  timeScale?: number;
  appId: number;
  /** Signs callbacks md5(key + t). */
  callbackKey: string;
  /** Verifies the CGI query sign md5(key + t). */
  mixKey: string;
  /** Cloud API 3.0 key pair that `POST /` verifies TC3 signatures with; unset: API 3.0 calls are refused. */
  secretId?: string;
  secretKey?: string;
  /** One line per event; never given keys or signs. Default: silent. */
  log?: (line: string) => void;
}

/** What the simulator holds, read as the core keeps it. */
type CoreReads = Pick<SimCore, 'streams' | 'sessions' | 'requests' | 'violations'>;

export interface Simulator extends CoreReads {
  /** e.g. http://127.0.0.1:53211 */
  url: string;
  /** `${url}/common_access`, for TENCENT_MIX_URL. */
  mixUrl: string;
  /** The Cloud API 3.0 endpoint (`POST /`), for TENCENT_API_URL. */
  apiUrl: string;
  setCallbackUrl(url: string): void;
  /** Stops timers, pending callback retries and held requests, then the HTTP server. */
  close(): Promise<void>;

  readonly timeScale: number;
  /** The simulator's clock: scenario playback and embedders wait through it. */
  readonly clock: Clock;
  callbackUrl(): string | undefined;
  /** As `POST /sim/streams`: live at once, mixable after the readiness delay, push callback sent. */
  pushStream(spec: PushSpec): StreamView & { replaced: boolean };
  /** As `DELETE /sim/streams/:id`; false when the stream was not live. */
  stopStream(streamId: string): boolean;
  /** As `POST /sim/streams/:id/resolution`; false when the stream was not live. */
  setStreamResolution(streamId: string, width: number, height: number): boolean;
  callbacks(): CallbackRecord[];
  /** As `POST /sim/faults`; throws on an invalid plan. */
  setFaults(plan: FaultPlanInput): void;
  clearFaults(): void;
  /** As `POST /sim/reset`: forgets all state without sending callbacks. */
  reset(): void;
}

export async function startSimulator({
  port = 0,
  host = '127.0.0.1',
  timeScale = 1,
  log = () => {},
  callbackUrl,
  appId,
  callbackKey,
  mixKey,
  secretId,
  secretKey,
}: SimulatorOptions): Promise<Simulator> {
  if (!Number.isFinite(timeScale) || timeScale <= 0)
    throw new RangeError(`timeScale must be > 0 (got ${timeScale})`);
  if (!Number.isInteger(appId) || appId <= 0) {
    throw new RangeError(`appId must be a positive integer (got ${appId})`);
  }
  if (!callbackKey || !mixKey) throw new RangeError('callbackKey and mixKey must not be empty');
  // Half a pair would look configured and refuse every API 3.0 call.
  if (!secretId !== !secretKey) throw new RangeError('secretId and secretKey: set both or neither');

  const core = createSimCore({
    appId,
    callbackKey,
    mixKey,
    timeScale,
    ...(callbackUrl !== undefined ? { callbackUrl } : {}),
    log,
  });
  const app = createSimApp(core, secretId && secretKey ? { api3: { secretId, secretKey } } : {});

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port, hostname: host }, () => {
      started.off('error', reject);
      resolve(started);
    });
    started.once('error', reject);
  }).catch((error: unknown) => {
    core.close();
    throw error;
  });
  const bound = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;

  let closed: Promise<void> | undefined;
  return {
    url,
    mixUrl: `${url}/common_access`,
    apiUrl: `${url}/`,
    timeScale,
    clock: core.clock,
    setCallbackUrl: (next) => core.setCallbackUrl(next),
    callbackUrl: () => core.callbackUrl(),
    pushStream(spec) {
      const result = core.push(pushSpecSchema.parse(spec));
      return { ...result.stream, replaced: result.replaced };
    },
    stopStream: (streamId) => core.stop(streamId) !== undefined,
    setStreamResolution: (streamId, width, height) =>
      core.setResolution(streamId, width, height) !== undefined,
    streams: () => core.streams(),
    sessions: (opts) => core.sessions(opts),
    requests: () => core.requests(),
    violations: () => core.violations(),
    callbacks: () => core.callbackRecords(),
    setFaults: (plan) => core.setFaults(faultPlanSchema.parse(plan)),
    clearFaults: () => core.faults.clear(),
    reset: () => core.reset(),
    close() {
      closed ??= new Promise<void>((resolve) => {
        // Releasing held requests first lets their connections finish before the server closes.
        core.close();
        server.close(() => resolve());
        if (server instanceof HttpServer) server.closeAllConnections();
      });
      return closed;
    },
  };
}
