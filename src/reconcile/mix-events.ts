import type { MixPlan } from '../layout/plan.js';
import type { MixOutcome } from '../mix/mix-backend.js';
import type { RoomState } from '../rooms/room-state.js';
import type { RoomUpdate } from '../rooms/room-update.js';
import { type MixEvent, type MixEventData, type MixEventType, mixEventId } from '../webhooks/event.js';
import { viewerTiles } from '../webhooks/viewer-tiles.js';
import type { SendDecision } from './record-outcome.js';

/**
 * The webhook event a request's outcome raises, if any: one per change the platform accepted
 * (a start: `mix.started`, `mix.updated`, or `mix.recovered` after a failure; a cancel:
 * `mix.ended`), and `mix.failed` when the room becomes failed. A refused request that is retried,
 * or a timeout (an unknown outcome), raises nothing. Pure.
 *
 * The id comes from what the change is, never from when it happened: the same start recomputed
 * after a crash (the platform accepted it, the room was not written) gets the same id, so the
 * outbox drops it and a receiver deduplicates it.
 */
export function mixEventOf(
  state: RoomState,
  decision: SendDecision,
  outcome: MixOutcome,
  update: RoomUpdate,
  now: number,
): MixEvent | undefined {
  const { roomId, applied } = state;
  // A failure stands (and was announced) until a start is accepted: a wait in between makes the
  // room `pending` but keeps its failedVersion.
  const wasFailed = state.meta.failedVersion !== undefined;
  if (!outcome.error) {
    if (decision.kind === 'cancel') {
      return event('mix.ended', [roomId, decision.sessionId, 'ended'], now, {
        roomId,
        sessionId: decision.sessionId,
        tiles: [],
      });
    }
    const sameSession = applied?.sessionId === decision.sessionId;
    // A session whose only start timed out was never announced: its first accepted start is its start.
    const announced = sameSession && !(applied.uncertain && applied.startedAt === applied.lastStartAt);
    const type: MixEventType = wasFailed ? 'mix.recovered' : announced ? 'mix.updated' : 'mix.started';
    const data = onAir(roomId, decision.sessionId, decision.plan);
    return event(
      type,
      // What it follows (the session's previous accepted start) and what it shows.
      [roomId, decision.sessionId, type, sameSession ? applied.lastStartAt : 0, JSON.stringify(data)],
      now,
      data,
    );
  }
  if (update.status !== 'failed' || wasFailed) return undefined;
  const { code, message, hint } = outcome.error;
  const running = applied && !applied.uncertain ? onAir(roomId, applied.sessionId, applied.plan) : undefined;
  return event('mix.failed', [roomId, 'failed', state.meta.version, decision.kind, String(code)], now, {
    roomId,
    sessionId: decision.sessionId,
    ...(running ? { output: running.output, tiles: running.tiles } : { tiles: [] }),
    error: { code, message: message.slice(0, 200), hint },
  });
}

/** `room.deleted`, once an operator's deletion forgot the room at `version`. */
export function roomDeletedEvent(roomId: string, version: number, now: number): MixEvent {
  return event('room.deleted', [roomId, 'deleted', version], now, { roomId, tiles: [] });
}

function onAir(roomId: string, sessionId: string, plan: MixPlan) {
  return {
    roomId,
    sessionId,
    output: { streamId: plan.outputStreamId, width: plan.canvas.width, height: plan.canvas.height },
    tiles: viewerTiles(plan),
  } satisfies MixEventData;
}

function event(
  type: MixEventType,
  parts: readonly (string | number)[],
  now: number,
  data: MixEventData,
): MixEvent {
  return { id: mixEventId(parts), type, timestamp: new Date(now).toISOString(), data };
}
