import type { Hono } from 'hono';
import { renderSvg } from '../layout/svg.js';
import { desiredPlan, viewRoom } from '../reconcile/snapshot.js';
import { ROOM_ID_PATTERN } from '../rooms/membership.js';
import type { RoomState, RoomStore } from '../rooms/room-store.js';
import { problem } from './problem.js';

export interface RoomsDeps {
  store: RoomStore;
  now: () => number;
  leaveGraceMs: number;
}

/** The room as an operator sees it: who is on air, what should be mixed, what the platform runs. */
export function describeRoom(state: RoomState, now: number, leaveGraceMs: number) {
  const view = viewRoom(state, now, leaveGraceMs);
  return {
    id: state.roomId,
    status: state.meta.status,
    version: state.meta.version,
    lastError: state.meta.lastError ?? null,
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
    desired: desiredPlan(view, state.applied),
    applied: state.applied,
  };
}

export function registerRooms(app: Hono, deps: RoomsDeps): void {
  const load = async (id: string) => (ROOM_ID_PATTERN.test(id) ? deps.store.read(id) : null);

  app.get('/v1/rooms/:id', async (c) => {
    const state = await load(c.req.param('id'));
    if (!state) return problem(c, 'not_found', `no room ${c.req.param('id')}`);
    return c.json(describeRoom(state, deps.now(), deps.leaveGraceMs));
  });

  app.get('/v1/rooms/:id/layout.svg', async (c) => {
    const state = await load(c.req.param('id'));
    if (!state) return problem(c, 'not_found', `no room ${c.req.param('id')}`);
    const plan = desiredPlan(viewRoom(state, deps.now(), deps.leaveGraceMs), state.applied);
    return c.body(renderSvg(plan), 200, { 'content-type': 'image/svg+xml; charset=utf-8' });
  });
}
