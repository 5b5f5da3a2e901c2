import { registerDeleteRoom } from './delete-room.js';
import { registerForceReconcile } from './force-reconcile.js';
import { registerGetRoom } from './get-room.js';
import { registerLayoutsApi } from './layouts-api.js';
import { registerListRooms } from './list-rooms.js';
import { registerOverrideRoom } from './override-room.js';
import { registerPlanRoom } from './plan-room.js';
import { registerPutRoomConfig } from './put-room-config.js';
import { registerRoomEvents } from './room-events.js';
import { registerRoomPictures } from './room-pictures.js';
import type { RoomsApiDeps, RoomsApp } from './rooms-api-deps.js';

/** Every `/v1/rooms` and `/v1/layouts` route; authentication is the caller's (admin-app.ts). */
export function registerRoomsApi(app: RoomsApp, deps: RoomsApiDeps): void {
  registerListRooms(app, deps);
  registerGetRoom(app, deps);
  registerRoomEvents(app, deps);
  registerRoomPictures(app, deps);
  registerPutRoomConfig(app, deps);
  registerPlanRoom(app, deps);
  registerForceReconcile(app, deps);
  registerOverrideRoom(app, deps);
  registerDeleteRoom(app, deps);
  registerLayoutsApi(app, deps);
}
