import { Queue } from 'bullmq';
import { afterAll, beforeEach } from 'vitest';
import { type AdminGuard, adminGuardSchema, loadConfig } from '../../src/config.js';
import { type AdminDeps, createStandaloneAdminApp } from '../../src/http/admin-app.js';
import { createApp } from '../../src/http/app.js';
import { createLogger, type Logger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { QUEUES, type ReconcileJob } from '../../src/queue/catalog.js';
import type { Membership } from '../../src/rooms/membership.js';
import { applyObservation } from '../../src/rooms/observations.js';
import { RoomStore } from '../../src/rooms/room-store.js';
import { updateRoom } from '../../src/rooms/room-update.js';
import type { AppliedMix } from '../../src/rooms/stored.js';
import type { LiveEvent } from '../../src/tencent/callback.js';
import type { MixBackendName } from '../../src/tencent/limits.js';
import { webhookSettingsFrom } from '../../src/webhooks/settings.js';
import { PLATFORM_TIMING } from './platform-timing.js';
import { useRedis } from './redis.js';

/**
 * The operator surface over a real Redis, serverless (`app.request`), with a clock the test moves
 * (back to T0 before each test) and a reconcile queue nobody works: tests see which reconciles
 * were asked for. Served as either deployment serves it:
 * - `admin-port`: alone on ADMIN_PORT (createStandaloneAdminApp), the default here;
 * - `same-port`: mounted in the main app beside the receiver, /metrics and health (createApp).
 */

export const T0 = 1_800_000_000_000;
export const TOKEN = 'operator-token-0123456789abcdef';
/** The harness's WEBHOOK_SECRET (32 bytes). */
export const HARNESS_WEBHOOK_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

export type AdminMode = 'admin-port' | 'same-port';
export const ADMIN_MODES: AdminMode[] = ['admin-port', 'same-port'];

export function useAdminApp(
  options: {
    adminToken?: string | undefined;
    mode?: AdminMode;
    mixBackend?: MixBackendName;
    /** Config of the surface's guards (sign-in budget, cookie, live-stream cap) over its defaults. */
    guard?: Partial<AdminGuard>;
    /** The surface's logger; silent when absent. */
    log?: Logger;
    /** WEBHOOK_* variables; default: WEBHOOK_SECRET = HARNESS_WEBHOOK_SECRET. */
    webhookEnv?: Record<string, string>;
  } = {},
) {
  const { redis, namespace } = useRedis();
  const store = new RoomStore(redis, { namespace, auditCap: 50 });
  const reconcileQueue = new Queue<ReconcileJob>(QUEUES.reconcile, {
    connection: redis,
    prefix: `{${namespace}}`,
  });
  const eventsQueue = new Queue<LiveEvent>(QUEUES.liveEvents, {
    connection: redis,
    prefix: `{${namespace}}`,
  });
  afterAll(async () => {
    await reconcileQueue.close();
    await eventsQueue.close();
  });
  const clock = { now: T0 };
  beforeEach(() => {
    clock.now = T0;
  });
  const adminToken = 'adminToken' in options ? options.adminToken : TOKEN;
  const log = options.log ?? createLogger('silent');
  const now = () => clock.now;
  const admin: AdminDeps = {
    adminToken,
    store,
    reconcileQueue,
    queues: [eventsQueue, reconcileQueue],
    log,
    now,
    leaveGraceMs: 1000,
    reconcileAttempts: 3,
    debounceMs: 0,
    timing: PLATFORM_TIMING,
    appId: 1252500000,
    mixBackend: options.mixBackend ?? 'legacy',
    livePollMs: 20,
    guard: { ...adminGuardSchema.parse({}), ...options.guard },
    webhooks: {
      settings: webhookSettingsFrom(
        loadConfig(options.webhookEnv ?? { WEBHOOK_SECRET: HARNESS_WEBHOOK_SECRET }),
      ),
    },
  };
  const app =
    options.mode === 'same-port'
      ? createApp({
          callbackKey: 'admin-harness-callback-key',
          redis,
          eventsQueue,
          queues: [eventsQueue, reconcileQueue],
          metrics: createMetrics(),
          log,
          now,
          admin,
        })
      : createStandaloneAdminApp(admin);

  let sequence = 0;
  const harness = {
    app,
    store,
    redis,
    namespace,
    reconcileQueue,
    eventsQueue,
    clock,
    /** A request with the bearer token (unless `headers.authorization` is given). */
    request(path: string, init: RequestInit = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${TOKEN}`);
      return app.request(path, { ...init, headers });
    },
    json(path: string, method: string, body: unknown) {
      return harness.request(path, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    },
    /** Streams push into a room through the store, as the events worker would apply them. */
    async push(
      roomId: string,
      streamId: string,
      role: 'main' | 'guest' = 'guest',
      at = clock.now,
      size = { width: 540, height: 960 },
    ) {
      sequence += 1;
      const membership: Membership = {
        roomId,
        role,
        media: 'av',
        notes: [],
        ...(role === 'main' ? { preset: 'pip' as const } : {}),
      };
      return applyObservation(
        store,
        {
          kind: 'push',
          streamId,
          sequence: String(sequence),
          eventTimeMs: at,
          receivedAt: at,
          ...size,
          membership,
        },
        at,
      );
    },
    /** What the reconcile would record after a successful start of the room's desired plan. */
    async markMixing(roomId: string, plan: AppliedMix['plan'], at = clock.now) {
      await updateRoom(
        store,
        roomId,
        {
          status: 'mixing',
          epoch: 1,
          applied: { sessionId: `${roomId}_1`, epoch: 1, plan, startedAt: at, lastStartAt: at, version: 1 },
        },
        at,
      );
    },
    /** The reconcile job waiting for the room, if one was asked for. */
    async reconcileJob(roomId: string) {
      const id = await reconcileQueue.getDeduplicationJobId(`room-${roomId}`);
      return id ? reconcileQueue.getJob(id) : undefined;
    },
  };
  return harness;
}
