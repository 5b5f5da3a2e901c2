import { createRoute } from '@hono/zod-openapi';
import { listRooms, type RoomCursor } from '../../rooms/room-index.js';
import { problem } from '../problem.js';
import { summarizeRoom } from './room-view.js';
import { COMMON_ERRORS, type RoomsApiDeps, type RoomsApp } from './rooms-api-deps.js';
import { listQuerySchema, roomListSchema } from './schemas.js';

const route = createRoute({
  method: 'get',
  path: '/v1/rooms',
  summary: 'List rooms, most recently active first',
  description:
    'Filter by `status` (idle, pending, mixing, failed, or deleting); page with `limit` and the ' +
    '`nextCursor` of the previous page. With a filter, a page may hold fewer rooms than `limit` ' +
    'and still have a `nextCursor`: follow it until it is null.',
  request: { query: listQuerySchema },
  responses: {
    200: { description: 'a page of rooms', content: { 'application/json': { schema: roomListSchema } } },
    ...COMMON_ERRORS,
  },
});

export function registerListRooms(app: RoomsApp, deps: RoomsApiDeps): void {
  app.openapi(route, async (c) => {
    const { status, limit, cursor } = c.req.valid('query');
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (after === null) return problem(c, 'bad_request', 'cursor: not a cursor this API gave out');
    const page = await listRooms(deps.store, {
      limit,
      ...(status ? { status } : {}),
      ...(after ? { after } : {}),
    });
    const now = deps.now();
    return c.json(
      {
        rooms: page.rooms.map(({ state, activeAt }) => summarizeRoom(state, activeAt, now)),
        nextCursor: page.next ? encodeCursor(page.next) : null,
      },
      200,
    );
  });
}

/** Opaque to clients: where the previous page ended. */
export function encodeCursor(cursor: RoomCursor): string {
  return Buffer.from(`${cursor.activeAt}:${cursor.roomId}`).toString('base64url');
}

export function decodeCursor(value: string): RoomCursor | null {
  const match = /^(\d{1,16}):([A-Za-z0-9_]{1,64})$/.exec(Buffer.from(value, 'base64url').toString());
  return match ? { activeAt: Number(match[1]), roomId: match[2]! } : null;
}
