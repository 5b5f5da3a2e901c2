import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Logger } from '../../log.js';
import { readAudit } from '../../rooms/audit.js';
import { ROOM_ID_PATTERN } from '../../rooms/membership.js';
import { listRooms } from '../../rooms/room-index.js';
import { readRoom } from '../../rooms/room-state.js';
import type { RoomStore } from '../../rooms/room-store.js';
import { LIMITS, type MixBackendName } from '../../tencent/limits.js';
import type { AdminSession } from '../admin-auth.js';
import { problem } from '../problem.js';
import { describeRoom, summarizeRoom } from '../rooms/room-view.js';
import type { LiveViews, Render } from './live-views.js';
import { RoomDetail, RoomPage } from './room-page.js';
import { RoomCards, RoomsPage, STATUS_FILTERS, type StatusFilter } from './rooms-page.js';

/**
 * The room pages: server-rendered, and kept current by server-sent events that carry the
 * re-rendered region whenever it changes. Each view is polled once for every page showing it
 * (live-views.ts); a stream ends when the process drains or the session that opened it ends.
 */

export interface UiDeps {
  store: RoomStore;
  now: () => number;
  leaveGraceMs: number;
  /** The mix API in use: the room's desired plan and reasons respect its limits. */
  mixBackend: MixBackendName;
  log: Logger;
  /** The shared pollers of the live regions, and the cap on open streams. */
  views: LiveViews;
  /** false once the process drains: open pages are let go so the server can close. */
  isAccepting: () => boolean;
}

const LIST_LIMIT = 100;
const TIMELINE_LIMIT = 50;
const HEARTBEAT_MS = 15_000;
/** How often a stream looks at what may end it (draining, its session's expiry or logout). */
const CHECK_MS = 1000;
/** How often a stream asks whether its session was signed out (a Redis read). */
const REVOCATION_CHECK_MS = 5000;

export function registerUiPages(app: OpenAPIHono, deps: UiDeps): void {
  const renderList = async (status: StatusFilter) => {
    const page = await listRooms(deps.store, { limit: LIST_LIMIT, ...(status !== 'all' ? { status } : {}) });
    const now = deps.now();
    return {
      rooms: page.rooms.map(({ state, activeAt }) => summarizeRoom(state, activeAt, now)),
      more: page.next !== undefined,
    };
  };
  const renderRoom = async (id: string) => {
    // Both at once: an open page asks every livePollMs.
    const [state, events] = await Promise.all([
      readRoom(deps.store, id),
      readAudit(deps.store, id, TIMELINE_LIMIT),
    ]);
    if (!state) return null;
    return { room: describeRoom(state, deps.now(), deps.leaveGraceMs, LIMITS[deps.mixBackend]), events };
  };
  const statusOf = (value: string | undefined): StatusFilter =>
    STATUS_FILTERS.find((filter) => filter === value) ?? 'all';

  app.get('/ui', async (c) => {
    const status = statusOf(c.req.query('status'));
    const { rooms, more } = await renderList(status);
    const live = `/ui/live/rooms${status === 'all' ? '' : `?status=${status}`}`;
    return c.html(<RoomsPage rooms={rooms} more={more} status={status} live={live} />);
  });

  app.get('/ui/rooms/:id', async (c) => {
    const id = c.req.param('id');
    const view = ROOM_ID_PATTERN.test(id) ? await renderRoom(id) : null;
    if (!view) return problem(c, 'not_found', `no room ${id}`);
    return c.html(<RoomPage room={view.room} events={view.events} live={`/ui/live/rooms/${id}`} />);
  });

  app.get('/ui/live/rooms', (c) => {
    const status = statusOf(c.req.query('status'));
    return live(c, deps, `rooms?status=${status}`, async () => {
      const { rooms, more } = await renderList(status);
      return String(<RoomCards rooms={rooms} more={more} />);
    });
  });

  app.get('/ui/live/rooms/:id', (c) => {
    const id = c.req.param('id');
    if (!ROOM_ID_PATTERN.test(id)) return problem(c, 'not_found', `no room ${id}`);
    return live(c, deps, `room:${id}`, async () => {
      const view = await renderRoom(id);
      return view ? String(<RoomDetail room={view.room} events={view.events} />) : null;
    });
  });
}

/**
 * Sends `update` with the region's HTML whenever it differs from the last one sent, `gone` once it
 * is null, and `ended` when the session that opened the stream ends. 503 when every slot is taken.
 */
function live(c: Context, deps: UiDeps, key: string, render: Render) {
  const slot = deps.views.admit();
  if (!slot) {
    c.header('Retry-After', '30');
    return problem(c, 'unavailable', 'too many live pages open; retry later');
  }
  const session = c.get('adminSession');
  return streamSSE(
    c,
    async (stream) => {
      let open = true;
      let wake = () => {};
      // Only the newest HTML is worth sending: a client slower than the view changes skips versions.
      let next: { html: string | null } | undefined;
      const unsubscribe = deps.views.subscribe(key, render, (html) => {
        next = { html };
        wake();
      });
      stream.onAbort(() => {
        open = false;
        wake();
      });
      let quietSince = Date.now();
      let revocationCheckedAt = Date.now();
      try {
        while (open && deps.isAccepting()) {
          if (next) {
            const { html } = next;
            next = undefined;
            if (html === null) {
              await stream.writeSSE({ event: 'gone', data: 'gone' });
              break;
            }
            await stream.writeSSE({ event: 'update', data: html });
            quietSince = Date.now();
            continue;
          }
          if (session && (await sessionEnded(session, deps.now(), revocationCheckedAt))) {
            await stream.writeSSE({ event: 'ended', data: 'signed out' });
            break;
          }
          if (session && Date.now() - revocationCheckedAt >= REVOCATION_CHECK_MS) {
            revocationCheckedAt = Date.now();
          }
          if (Date.now() - quietSince > HEARTBEAT_MS) {
            await stream.write(': keep-alive\n\n');
            quietSince = Date.now();
          }
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, CHECK_MS);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
      } finally {
        unsubscribe();
        slot.release();
      }
    },
    // A page closed mid-write: the client's doing, not an error.
    async (error) => deps.log.debug({ err: error.message, view: key }, 'live page stream ended'),
  );
}

/** Whether the stream's session expired, or (asked every REVOCATION_CHECK_MS) was signed out. */
async function sessionEnded(
  session: AdminSession,
  nowMs: number,
  revocationCheckedAt: number,
): Promise<boolean> {
  if (session.expiresAt <= nowMs) return true;
  if (Date.now() - revocationCheckedAt < REVOCATION_CHECK_MS) return false;
  return session.revoked().catch(() => false);
}
