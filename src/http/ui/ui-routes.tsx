import type { OpenAPIHono } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import type { Logger } from '../../log.js';
import { readAudit } from '../../rooms/audit.js';
import { ROOM_ID_PATTERN } from '../../rooms/membership.js';
import { listRooms } from '../../rooms/room-index.js';
import { readRoom } from '../../rooms/room-state.js';
import type { RoomStore } from '../../rooms/room-store.js';
import { LIMITS, type MixBackendName } from '../../tencent/limits.js';
import { problem } from '../problem.js';
import { describeRoom, summarizeRoom } from '../rooms/room-view.js';
import { RoomDetail, RoomPage } from './room-page.js';
import { RoomCards, RoomsPage, STATUS_FILTERS, type StatusFilter } from './rooms-page.js';

/**
 * The room pages: server-rendered, and kept current by server-sent events that carry the
 * re-rendered region whenever it changes. The server polls Redis for each open page (operators
 * are few); a page costs nothing while its HTML stays the same.
 */

export interface UiDeps {
  store: RoomStore;
  now: () => number;
  leaveGraceMs: number;
  /** The mix API in use: the room's desired plan and reasons respect its limits. */
  mixBackend: MixBackendName;
  log: Logger;
  /** How often an open page looks for changes. */
  livePollMs: number;
  /** false once the process drains: open pages are let go so the server can close. */
  isAccepting: () => boolean;
}

const LIST_LIMIT = 100;
const TIMELINE_LIMIT = 50;
const HEARTBEAT_MS = 15_000;

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
    return c.html(
      <RoomPage
        room={view.room}
        events={view.events}
        live={`/ui/live/rooms/${id}`}
        leaveGraceMs={deps.leaveGraceMs}
      />,
    );
  });

  app.get('/ui/live/rooms', (c) => {
    const status = statusOf(c.req.query('status'));
    return live(c, deps, async () => {
      const { rooms, more } = await renderList(status);
      return String(<RoomCards rooms={rooms} more={more} />);
    });
  });

  app.get('/ui/live/rooms/:id', (c) => {
    const id = c.req.param('id');
    if (!ROOM_ID_PATTERN.test(id)) return problem(c, 'not_found', `no room ${id}`);
    return live(c, deps, async () => {
      const view = await renderRoom(id);
      return view
        ? String(<RoomDetail room={view.room} events={view.events} leaveGraceMs={deps.leaveGraceMs} />)
        : null;
    });
  });
}

/** Sends `update` with the region's HTML whenever it differs from the last one sent; `gone` once it is null. */
function live(c: Parameters<typeof streamSSE>[0], deps: UiDeps, render: () => Promise<string | null>) {
  return streamSSE(c, async (stream) => {
    let open = true;
    stream.onAbort(() => {
      open = false;
    });
    let last: string | undefined;
    let quietSince = Date.now();
    while (open && deps.isAccepting()) {
      try {
        const html = await render();
        if (html === null) {
          await stream.writeSSE({ event: 'gone', data: 'gone' });
          break;
        }
        if (html !== last) {
          await stream.writeSSE({ event: 'update', data: html });
          last = html;
          quietSince = Date.now();
        } else if (Date.now() - quietSince > HEARTBEAT_MS) {
          await stream.write(': keep-alive\n\n');
          quietSince = Date.now();
        }
      } catch (error) {
        // Redis away for a moment: keep the page, try again on the next tick.
        deps.log.debug({ err: (error as Error).message }, 'live page render failed');
      }
      await stream.sleep(deps.livePollMs);
    }
  });
}
