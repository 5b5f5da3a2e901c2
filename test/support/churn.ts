import { type Simulator, seededRandom } from '../../src/sim/index.js';

/**
 * Seeded workloads of pushes and stops over many rooms, played against the simulator (each op is
 * one callback to mixkeeper). Every push uses a fresh stream name, so no two pushes of one name
 * fall in the same `event_time` second (a known limit, docs/RELIABILITY.md).
 */

export interface Op {
  kind: 'push' | 'stop';
  roomId: string;
  streamId: string;
  role: 'main' | 'guest';
}

/**
 * Per room: `pushes` pushes (the first is the main) and `stops` stops of streams then live, in a
 * random order that never stops what is not live; rooms interleaved at random.
 */
export function churn(rooms: { roomId: string; pushes: number; stops: number }[], seed: number): Op[] {
  const random = seededRandom(seed);
  const perRoom = rooms.map(({ roomId, pushes, stops }) => {
    const ops: Op[] = [];
    const live: string[] = [];
    let pushed = 0;
    let stopped = 0;
    while (pushed < pushes || stopped < stops) {
      const canStop = stopped < stops && live.length > 0;
      const push = pushed < pushes && (!canStop || pushed === 0 || random() < 0.55);
      if (push) {
        const streamId = `${roomId}_s${pushed}`;
        ops.push({ kind: 'push', roomId, streamId, role: pushed === 0 ? 'main' : 'guest' });
        live.push(streamId);
        pushed += 1;
      } else {
        const [streamId] = live.splice(Math.floor(random() * live.length), 1);
        if (streamId) ops.push({ kind: 'stop', roomId, streamId, role: 'guest' });
        stopped += 1;
      }
    }
    return ops;
  });
  const merged: Op[] = [];
  const queues = perRoom.filter((ops) => ops.length);
  while (queues.length) {
    const i = Math.floor(random() * queues.length);
    const next = queues[i]?.shift();
    if (next) merged.push(next);
    if (!queues[i]?.length) queues.splice(i, 1);
  }
  return merged;
}

export interface PlayOptions {
  perTick: number;
  tickMs: number;
  /**
   * Closed loop: no new op while this many callbacks are still being delivered, so the load
   * follows what the machine absorbs instead of building a backlog that timeouts and retries
   * would only feed.
   */
  maxPending?: number;
  /** Sees each op's index before it is played. */
  onOp?: (index: number) => Promise<void> | void;
}

/** Plays the ops, `perTick` every `tickMs`. */
export async function play(sim: Simulator, ops: Op[], options: PlayOptions): Promise<void> {
  for (let i = 0; i < ops.length; i++) {
    while (options.maxPending !== undefined && pendingCallbacks(sim) >= options.maxPending) {
      await new Promise((resolve) => setTimeout(resolve, options.tickMs));
    }
    await options.onOp?.(i);
    const op = ops[i];
    if (!op) continue;
    if (op.kind === 'push') {
      sim.pushStream({ streamId: op.streamId, params: { mix_room: op.roomId, mix_role: op.role } });
    } else {
      sim.stopStream(op.streamId);
    }
    if ((i + 1) % options.perTick === 0) await new Promise((resolve) => setTimeout(resolve, options.tickMs));
  }
}

/** Callbacks not yet answered 200 (or given up): in flight or waiting for a retry. */
export function pendingCallbacks(sim: Simulator): number {
  return sim.callbacks().filter((record) => record.pending).length;
}

/** Resolves once the simulator has no callback being delivered or waiting for a retry. */
export async function callbacksSettled(sim: Simulator, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (sim.callbacks().some((record) => record.pending)) {
    if (Date.now() > deadline) throw new Error('callbacks still pending');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
