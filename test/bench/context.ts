import type { Redis } from 'ioredis';
import type { Runtime } from './processes.js';
import type { PlatformKeys } from './sim-process.js';

/** What every bench phase is given: where things run, the keys, the sizes of this mode. */

export type BenchMode = 'full' | 'quick';

export interface BenchSizes {
  ingest: {
    /** Connections of the unlimited (max throughput) runs. */
    connections: number;
    durationS: number;
    /**
     * Requests sent before the measured runs, so both servers are measured JIT-warm: mixkeeper's
     * API needs thousands before its CPU per callback settles (3.2 ms on the first, 0.65 ms warm).
     */
    warmupRequests: number;
    /** The rate of the latency run. */
    rateLimitedRps: number;
    rateConnections: number;
  };
  reaction: {
    rooms: number;
    changesPerS: number;
    durationS: number;
    /** Simulator time scale; the service's platform timings follow it. 1 = real timing. */
    timeScale: number;
    /** Pace of the setup pushes (main + first guest of every room). */
    setupPushesPerS: number;
    /** MIX_DEBOUNCE_MS of the headline run (the other run uses the defaults). */
    debounceMs: number;
    /** Waited after the last change's readiness or grace, for its request. */
    settleMs: number;
    /** Also run with the default debounce and leave grace (skipped in quick mode, for time). */
    withDefaults: boolean;
  };
  economy: {
    rooms: number;
    timeScale: number;
    /** Rooms start their script this far apart. */
    staggerMs: number;
  };
  scale: {
    rooms: number;
    streamsPerRoom: number;
    /** Concurrent pushes and callbacks while loading. */
    concurrency: number;
    /** Rooms churned until their audit log is full, for the steady-state memory. */
    steadySample: number;
    /** Joins and leaves each of them gets: 12 fill a 32-entry audit log (3 entries a change). */
    steadyChanges: number;
  };
  layout: { durationMs: number };
}

export const SIZES: Record<BenchMode, BenchSizes> = {
  full: {
    ingest: {
      connections: 50,
      durationS: 10,
      warmupRequests: 20_000,
      rateLimitedRps: 2500,
      rateConnections: 25,
    },
    reaction: {
      rooms: 1000,
      changesPerS: 50,
      durationS: 40,
      timeScale: 1,
      setupPushesPerS: 200,
      debounceMs: 0,
      settleMs: 2000,
      withDefaults: true,
    },
    economy: { rooms: 40, timeScale: 1, staggerMs: 250 },
    scale: { rooms: 10_000, streamsPerRoom: 4, concurrency: 64, steadySample: 200, steadyChanges: 12 },
    layout: { durationMs: 1500 },
  },
  quick: {
    ingest: { connections: 8, durationS: 1, warmupRequests: 0, rateLimitedRps: 300, rateConnections: 4 },
    reaction: {
      rooms: 8,
      changesPerS: 8,
      durationS: 2,
      timeScale: 0.05,
      setupPushesPerS: 200,
      debounceMs: 0,
      settleMs: 400,
      withDefaults: false,
    },
    economy: { rooms: 2, timeScale: 0.05, staggerMs: 20 },
    scale: { rooms: 30, streamsPerRoom: 4, concurrency: 16, steadySample: 5, steadyChanges: 2 },
    layout: { durationMs: 100 },
  },
};

export interface BenchContext {
  mode: BenchMode;
  sizes: BenchSizes;
  runtime: Runtime;
  /** Every child's output lands here, one file per process. */
  logDir: string;
  redisUrl: string;
  /** A client of the bench's own, for counting and INFO. */
  redis: Redis;
  /** The redis-server process, for its CPU time. */
  redisPid: number;
  keys: PlatformKeys;
  /** Node flags for mixkeeper's processes (profiling), empty otherwise. */
  nodeArgs: string[];
  /** Another checkout whose `api` the ingest phase also measures, as "before" (`--ingest-before`). */
  ingestBefore?: string;
  log(line: string): void;
}
