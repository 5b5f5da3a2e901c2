import type { RoomSummary } from '../rooms/room-view.js';
import { Page, StatusBadge, Time } from './page.js';

/** `/ui`: every room with its status and a live thumbnail of its layout. */

export const STATUS_FILTERS = ['all', 'mixing', 'pending', 'failed', 'idle', 'deleting'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export function RoomsPage(props: { rooms: RoomSummary[]; status: string; more: boolean; live: string }) {
  return (
    <Page title="Rooms">
      <h1>Rooms</h1>
      <p class="filters">
        {STATUS_FILTERS.map((f) => (
          <a
            href={f === 'all' ? '/ui' : `/ui?status=${f}`}
            aria-current={props.status === f ? 'page' : undefined}
          >
            {f}
          </a>
        ))}
      </p>
      <div id="rooms" data-live={props.live}>
        <RoomCards rooms={props.rooms} more={props.more} />
      </div>
    </Page>
  );
}

/** The card's picture height (`.card img` in assets.ts): the SVG sizes its labels for it. */
const CARD_PICTURE_PX = 170;

export function RoomCards(props: { rooms: RoomSummary[]; more: boolean }) {
  if (props.rooms.length === 0)
    return <p class="muted">No rooms yet: they appear with their first callback or config.</p>;
  return (
    <>
      <div class="cards">
        {props.rooms.map((room) => (
          <div class="card" data-room={room.id}>
            <a href={`/ui/rooms/${room.id}`}>
              <img
                src={`/v1/rooms/${room.id}/layout.svg?size=${CARD_PICTURE_PX}&v=${room.version}-${room.updatedAt ?? 0}`}
                alt={`layout of ${room.id}`}
                loading="lazy"
              />
              <div class="meta">
                <strong>{room.id}</strong>
                <StatusBadge status={room.deleting ? 'deleting' : room.status} />
              </div>
              <div class="meta muted">
                <span>{`${room.live} pushing · ${room.inputs} in the mix`}</span>
                <Time at={room.activeAt} />
              </div>
              {room.lastErrorCode !== null ? (
                <div class="muted">{`last error ${room.lastErrorCode}`}</div>
              ) : null}
              {room.override ? <div class="muted">override in force</div> : null}
            </a>
          </div>
        ))}
      </div>
      {props.more ? <p class="muted">Showing the {props.rooms.length} most recently active rooms.</p> : null}
    </>
  );
}
