import { z } from 'zod';

/**
 * The bench's output file (docs/bench-results/latest.json): one schema, the types inferred from
 * it, so the file, the harness and the test that guards the harness agree on its shape.
 */

const count = z.number().int().nonnegative();
const ms = z.number().nonnegative();

export const distributionSchema = z.object({ count, p50: ms, p90: ms, p99: ms, max: ms, mean: ms });

export const loadRunSchema = z.object({
  connections: count,
  /** The requested rate; null = as fast as answers come. */
  targetRps: z.number().positive().nullable(),
  durationS: z.number().positive(),
  /** 200 answers per second over the run. */
  okPerS: z.number().nonnegative(),
  ok: count,
  non2xx: count,
  errors: count,
  timeouts: count,
  latencyMs: z.object({ p50: ms, p90: ms, p99: ms, max: ms, mean: ms }),
  /**
   * CPU time per 200 of the server process and of redis-server: what a callback costs whatever
   * else runs on the machine (throughput and latency are only as good as the machine is idle).
   */
  cpuUsPerOk: z.object({ server: ms, redis: ms }),
});
export type LoadRun = z.infer<typeof loadRunSchema>;

const server = z.object({ max: loadRunSchema, rateLimited: loadRunSchema, peakRssBytes: count });

export const ingestResultSchema = z.object({
  /** A bare Hono handler: reads the body, answers. */
  baseline: server,
  /** Hono + md5 sign check + one BullMQ `queue.add` per callback (test/bench/naive-receiver.ts). */
  naive: server,
  /** mixkeeper's `api` from the checkout `--ingest-before` named; null without it. */
  before: server.nullable(),
  mixkeeper: server,
  /** Every 200 of every mixkeeper run (warm-up included), looked up in Redis afterwards. */
  jobs: z.object({ ok200: count, matched: count, missing: count, storedInQueue: count }),
});
export type IngestResult = z.infer<typeof ingestResultSchema>;

export const reactionRunSchema = z.object({
  label: z.string(),
  settings: z.object({
    debounceMs: count,
    leaveGraceMs: count,
    readyDelayMs: count,
    rooms: count,
    changesPerS: z.number().positive(),
  }),
  changes: count,
  /** Changes whose request was found at the simulator. */
  measured: count,
  missing: count,
  /** Receiver receipt → simulator receipt, minus the readiness wait for a join. */
  allMs: distributionSchema,
  joinMs: distributionSchema,
  leaveMs: distributionSchema,
  /** Leaves, minus the leave grace as well: what the service adds to the platform's and its own waits. */
  leaveBeyondGraceMs: distributionSchema,
  /** Answer codes of the requests that reacted, `code → count`. */
  codes: z.record(z.string(), count),
  violations: count,
});
export type ReactionRun = z.infer<typeof reactionRunSchema>;

export const reactionResultSchema = z.object({
  chosen: reactionRunSchema,
  /** The same with the default debounce and leave grace; null in quick mode. */
  defaults: reactionRunSchema.nullable(),
});
export type ReactionResult = z.infer<typeof reactionResultSchema>;

export const reactorTotalsSchema = z.object({
  requests: count,
  starts: count,
  cancels: count,
  failedAnswers: count,
  perChange: z.number().nonnegative(),
  /** Two requests in a row for one session with the same wire content, whatever the first's answer. */
  identicalConsecutive: count,
  /** …of which the first had been accepted: pure waste. */
  identicalAfterSuccess: count,
  violations: count,
  /** Sessions still live when every room had ended. */
  liveSessionsAtEnd: count,
  /**
   * Callback receipt → the first accepted request that shows the change, minus the readiness wait
   * for a join; changes that no accepted request ever showed (undone before) are left out.
   */
  reactionMs: distributionSchema,
});
export type ReactorTotals = z.infer<typeof reactorTotalsSchema>;

export const economyResultSchema = z.object({
  rooms: count,
  /** Membership changes the script makes (joins + leaves, a flap counting two). */
  changes: count,
  callbacksPerReactor: count,
  mixkeeper: reactorTotalsSchema,
  naive: reactorTotalsSchema,
});
export type EconomyResult = z.infer<typeof economyResultSchema>;

export const scaleResultSchema = z.object({
  rooms: count,
  streams: count,
  load: z.object({ callbacks: count, okPerS: z.number().nonnegative() }),
  events: z.object({
    processed: count,
    perS: z.number().nonnegative(),
    seconds: z.number().nonnegative(),
    /** CPU time per event of the worker process and of redis-server during the stage. */
    cpuUs: z.object({ worker: ms, redis: ms }),
    /** Redis commands per event (INFO commandstats; scripts count once, as evalsha). */
    redisCommands: z.record(z.string(), z.number()),
  }),
  reconcile: z.object({
    rooms: count,
    startsOk: count,
    perS: z.number().nonnegative(),
    seconds: z.number().nonnegative(),
    /** CPU time per room of the worker process and of redis-server during the stage. */
    cpuUs: z.object({ worker: ms, redis: ms }),
    /** Redis commands per room (INFO commandstats; scripts count once, as evalsha). */
    redisCommands: z.record(z.string(), z.number()),
  }),
  memory: z.object({
    usedBefore: count,
    usedAfter: count,
    /** (after − before) / rooms: everything, BullMQ's retained jobs included. */
    perRoomAll: z.number(),
    /** MEMORY USAGE of the room keys (`mk:{room:…}:*`, index share included) / rooms. */
    perRoomState: z.number(),
    /** MEMORY USAGE of the queue keys (`{mk}:*`) / rooms. */
    perRoomQueues: z.number(),
    /** Mean bytes of each room key kind (meta, streams, applied, audit, …). */
    roomKeyMeans: z.record(z.string(), z.number()),
    /**
     * A sample of rooms churned until their audit log is at its cap: the per-room memory a room
     * settles at, which the as-loaded figures (a few audit entries) understate.
     */
    steadyState: z.object({
      rooms: count,
      changesPerRoom: count,
      auditEntriesPerRoom: z.number(),
      perRoomState: z.number(),
      roomKeyMeans: z.record(z.string(), z.number()),
      /** Mean bytes per room of the audit log's entries by type (their JSON). */
      auditBytesByType: z.record(z.string(), z.number()),
    }),
  }),
  worker: z.object({ peakRssBytes: count, endRssBytes: count, cpuMs: count }),
  api: z.object({ peakRssBytes: count }),
  /** Requests the stub platform could not read as a start or a cancel (expected 0). */
  unknownRequests: count,
});
export type ScaleResult = z.infer<typeof scaleResultSchema>;

export const layoutRunSchema = z.object({
  preset: z.string(),
  inputs: count,
  plansPerS: z.number().nonnegative(),
  /** The naive reactor's plan builder (tiles in a row, no validation) on the same rooms. */
  baselinePerS: z.number().nonnegative(),
});
export type LayoutRun = z.infer<typeof layoutRunSchema>;

export const figureSchema = z.object({
  id: z.string(),
  name: z.string(),
  value: z.number(),
  unit: z.string(),
  baseline: z.number().nullable(),
  baselineName: z.string().nullable(),
  /** value / baseline. */
  ratio: z.number().nullable(),
  target: z.string().nullable(),
  met: z.boolean().nullable(),
});
export type Figure = z.infer<typeof figureSchema>;

export const benchResultSchema = z.object({
  version: z.literal(1),
  mode: z.enum(['full', 'quick']),
  runtime: z.enum(['dist', 'tsx']),
  startedAt: z.string(),
  durationS: z.number().nonnegative(),
  machine: z.object({
    cpuModel: z.string(),
    cores: count,
    ramGiB: z.number(),
    os: z.string(),
    kernel: z.string(),
    node: z.string(),
    redis: z.string(),
    packages: z.record(z.string(), z.string()),
    loadAverage: z.object({ start: z.number().nonnegative(), end: z.number().nonnegative() }),
  }),
  ingest: ingestResultSchema.nullable(),
  reaction: reactionResultSchema.nullable(),
  economy: economyResultSchema.nullable(),
  scale: scaleResultSchema.nullable(),
  layout: z.array(layoutRunSchema).nullable(),
  figures: z.array(figureSchema),
});
export type BenchResult = z.infer<typeof benchResultSchema>;
