import type { Config } from '../src/config.js';
import type { Logger } from '../src/log.js';
import type { Metrics } from '../src/metrics.js';
import type { MixBackend } from '../src/mix/mix-backend.js';
import { createOnlineList, createStreamVerifier, type OnlineList } from '../src/mix/online-list.js';
import { closeWorkers, openQueue, startWorker } from '../src/queue/bullmq.js';
import { type JobHandlers, jobCatalog } from '../src/queue/catalog.js';
import type { RedisClient } from '../src/queue/connections.js';
import { requestReconcile } from '../src/queue/reconcile-requests.js';
import { requestWebhookDelivery } from '../src/queue/webhook-deliveries.js';
import { timingFrom } from '../src/reconcile/decide.js';
import { PushOrigins } from '../src/rooms/push-origins.js';
import type { RoomStore } from '../src/rooms/room-store.js';
import { LIMITS } from '../src/tencent/limits.js';
import { pendingOutboxes } from '../src/webhooks/outbox.js';
import { createWebhookRaiser } from '../src/webhooks/raise.js';
import { webhookSettingsFrom } from '../src/webhooks/settings.js';
import { eventsHandler } from './events.js';
import { reconcileHandler } from './reconcile.js';
import { resyncHandler } from './resync.js';
import { startResync } from './start-resync.js';
import { webhookHandler } from './webhooks.js';

export interface WorkersOptions {
  config: Config;
  /** A worker connection (`maxRetriesPerRequest: null`); BullMQ duplicates it for blocking reads. */
  connection: RedisClient;
  prefix: string;
  store: RoomStore;
  backend: MixBackend;
  log: Logger;
  metrics?: Metrics;
  now?: () => number;
  /**
   * The platform's online list, for the resync; without one, streams expire after STREAM_SILENCE_MS.
   * Default: DescribeLiveStreamOnlineList when TENCENT_SECRET_ID/KEY are set (src/mix/online-list.ts).
   */
  onlineList?: OnlineList;
}

export interface RunningWorkers {
  /** Stops taking jobs; waits up to `deadlineMs` for active ones, then puts them back in the queue. */
  close(deadlineMs: number): Promise<void>;
}

/** The handlers of the job catalog (src/queue/catalog.ts), wired to this process, and their workers. */
export async function startWorkers(options: WorkersOptions): Promise<RunningWorkers> {
  const { config, connection, prefix, store, log } = options;
  const now = options.now ?? Date.now;
  const metrics = options.metrics ? { metrics: options.metrics } : {};
  const reconcileQueue = openQueue(jobCatalog.reconcile, { connection, prefix });
  reconcileQueue.on('error', (error) => log.error({ err: error }, 'reconcile queue error'));
  const webhookQueue = openQueue(jobCatalog.webhookDeliveries, { connection, prefix });
  webhookQueue.on('error', (error) => log.error({ err: error }, 'webhook queue error'));
  const webhookSettings = webhookSettingsFrom(config);
  const deliver = (job: { roomId: string; endpointId: string }) => requestWebhookDelivery(webhookQueue, job);
  // Outboxes whose delivery job was lost (a crash between queueing an event and adding its job).
  const resumeDeliveries = async () => {
    for await (const pairs of pendingOutboxes(store)) await Promise.all(pairs.map(deliver));
  };
  // Push domains and AppNames seen in callbacks: what the online list is asked about.
  const origins = new PushOrigins(connection, {
    namespace: store.namespace,
    now,
    max: config.PUSH_ORIGINS_MAX,
  });
  await origins
    .adoptLegacySet()
    .then((moved) => moved && log.info({ moved }, 'push origins learned by the previous version kept'))
    .catch((error) => log.warn({ err: error }, 'the previous version’s push origins could not be moved'));
  const onlineList =
    options.onlineList ??
    createOnlineList(config, origins, {
      onUnavailable: (reason) =>
        log.warn({ reason }, 'the platform’s online list cannot be read: the silence rule applies'),
    });

  // VERIFY_NEW_STREAMS: a new push is mixed once the online list shows it (src/reconcile/verify-streams.ts).
  const verifier = createStreamVerifier(config);

  const handlers: JobHandlers = {
    liveEvents: eventsHandler({
      store,
      now,
      requestReconcile: (roomId) =>
        requestReconcile(reconcileQueue, roomId, config.MIX_DEBOUNCE_MS, config.MIX_RETRY_MAX_ATTEMPTS),
      origins,
      log,
      verifyNewStreams: verifier !== undefined,
      ...metrics,
    }),
    reconcile: reconcileHandler({
      store,
      backend: options.backend,
      now,
      timing: timingFrom(config),
      leaveGraceMs: config.MIX_LEAVE_GRACE_MS,
      leaseMs: config.RECONCILE_LEASE_MS,
      debounceMs: config.MIX_DEBOUNCE_MS,
      webhooks: createWebhookRaiser({ store, settings: webhookSettings, deliver, now }),
      verifier,
      verifyWindowMs: config.STREAM_VERIFY_WINDOW_MS,
      ...metrics,
    }),
    webhookDeliveries: webhookHandler({
      store,
      settings: webhookSettings,
      now,
      log,
      metrics: options.metrics,
    }),
    resync: resyncHandler({
      store,
      reconcileQueue,
      onlineList,
      policy: {
        leaveGraceMs: config.MIX_LEAVE_GRACE_MS,
        silenceMs: config.STREAM_SILENCE_MS,
        failedRetryMs: config.RESYNC_FAILED_RETRY_MS,
        onlineListGraceMs: config.LIVE_TRUTH_GRACE_MS,
        limits: LIMITS[config.TENCENT_MIX_BACKEND],
        idleForgetMs: config.ROOM_IDLE_FORGET_MS,
      },
      jitterMs: config.RESYNC_JITTER_MS,
      reconcileAttempts: config.MIX_RETRY_MAX_ATTEMPTS,
      now,
      log,
      metrics: options.metrics,
    }),
  };

  const start = { connection, prefix, settings: config, log };
  const events = startWorker('events', jobCatalog.liveEvents, handlers.liveEvents, start);
  const reconcile = startWorker('reconcile', jobCatalog.reconcile, handlers.reconcile, {
    ...start,
    onDone: ({ roomId }, summary) => log.debug({ room: roomId, summary }, 'reconciled'),
  });
  const webhooks = startWorker('webhooks', jobCatalog.webhookDeliveries, handlers.webhookDeliveries, start);
  await Promise.all([
    events.waitUntilReady(),
    reconcile.waitUntilReady(),
    reconcileQueue.waitUntilReady(),
    webhooks.waitUntilReady(),
  ]);
  await resumeDeliveries().catch((error) =>
    log.warn({ err: error }, 'webhook outboxes could not be resumed'),
  );
  // The resync's worker starts once its schedule is in place (start-resync.ts).
  const resync = await startResync(
    { config, connection, prefix, store, log, metrics: options.metrics, now },
    (where) =>
      startWorker(
        'resync',
        jobCatalog.resync,
        // Each sweep also sets going any outbox left without its delivery job.
        async (payload, context) => {
          await resumeDeliveries().catch((error) => log.warn({ err: error }, 'webhook outboxes not resumed'));
          return handlers.resync(payload, context);
        },
        { ...where, settings: config, log },
      ),
  );
  log.info(
    {
      events: config.EVENTS_CONCURRENCY,
      reconcile: config.RECONCILE_CONCURRENCY,
      onlineList: Boolean(onlineList),
    },
    'workers running',
  );

  return {
    async close(deadlineMs: number) {
      await closeWorkers([events, reconcile, webhooks, resync.worker], deadlineMs, log);
      await resync.close();
      await reconcileQueue.close();
      await webhookQueue.close();
    },
  };
}
