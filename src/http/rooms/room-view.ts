import type { z } from '@hono/zod-openapi';
import { explain } from '../../layout/explain.js';
import { statusOf } from '../../reconcile/decide.js';
import { desiredPlan, streamNotes, viewRoom } from '../../reconcile/snapshot.js';
import { activeOverride } from '../../rooms/room-override.js';
import type { RoomState } from '../../rooms/room-state.js';
import type { MixLimits } from '../../tencent/limits.js';
import type { roomSchema, roomSummarySchema } from './schemas.js';

/**
 * The room as an operator sees it: who is on air, what should be mixed and why, what the platform
 * runs. Computed with the reconcile's own `viewRoom`/`desiredPlan`, so the API, the pages and the
 * terminal never disagree with what the reconcile will do.
 */

export type RoomBody = z.infer<typeof roomSchema>;
export type RoomSummary = z.infer<typeof roomSummarySchema>;

export function describeRoom(
  state: RoomState,
  now: number,
  leaveGraceMs: number,
  limits: MixLimits,
): RoomBody {
  const view = viewRoom(state, now, leaveGraceMs, limits);
  const desired = desiredPlan(view, state.applied);
  const override = activeOverride(state.override, now);
  return {
    id: state.roomId,
    status: state.meta.status,
    version: state.meta.version,
    updatedAt: state.meta.updatedAt ?? null,
    deleting: state.meta.deleting !== undefined,
    lastError: state.meta.lastError ?? null,
    config: state.config ?? null,
    override: override ? { config: override.config, at: override.at, until: override.until } : null,
    streams: state.streams.map((s) => ({
      streamId: s.streamId,
      role: s.role,
      media: s.media,
      state: s.leftAt === undefined ? 'live' : view.departed.includes(s.streamId) ? 'gone' : 'leaving',
      pushedAt: s.pushedAt,
      width: s.width,
      height: s.height,
      ...(s.unmixable ? { unmixable: s.unmixable } : {}),
    })),
    desired,
    applied: state.applied,
    inSync: statusOf(desired, state.applied) !== 'pending',
    explain: [...explain(view.snapshot, limits), ...streamNotes(state)],
  };
}

export function summarizeRoom(state: RoomState, activeAt: number, now: number): RoomSummary {
  return {
    id: state.roomId,
    status: state.meta.status,
    version: state.meta.version,
    activeAt,
    updatedAt: state.meta.updatedAt ?? null,
    deleting: state.meta.deleting !== undefined,
    live: state.streams.filter((s) => s.leftAt === undefined).length,
    sessionId: state.applied?.sessionId ?? null,
    inputs: state.applied?.plan.inputs.length ?? 0,
    lastErrorCode: state.meta.lastError?.code ?? null,
    override: activeOverride(state.override, now) !== undefined,
  };
}
