import { createHash } from 'node:crypto';
import type { RoomBody } from '../rooms/room-view.js';
import { type AuditLike, auditLine } from './audit-line.js';
import { Page, StatusBadge, Time } from './page.js';

/** `/ui/rooms/:id`: the layout picture, who is on air, why, and what happened, updated live. */

export function RoomPage(props: {
  room: RoomBody;
  events: AuditLike[];
  live: string;
  leaveGraceMs?: number;
}) {
  return (
    <Page title={`Room ${props.room.id}`}>
      <div id="room" data-live={props.live}>
        <RoomDetail room={props.room} events={props.events} leaveGraceMs={props.leaveGraceMs} />
      </div>
    </Page>
  );
}

export function RoomDetail(props: {
  room: RoomBody;
  events: AuditLike[];
  leaveGraceMs?: number | undefined;
}) {
  const { room } = props;
  const base = `/v1/rooms/${room.id}`;
  const grace = props.leaveGraceMs === undefined ? 'its leave grace' : seconds(props.leaveGraceMs);
  const pushed = pushNotes(props.events, room.streams);
  const leaving = room.streams.filter((s) => s.state === 'leaving').map((s) => s.streamId);
  const why = [
    ...[...pushed].map(([stream, note]) => `${stream}'s push: ${note}`),
    ...(leaving.length
      ? [
          `${leaving.join(', ')} left: ${leaving.length > 1 ? 'they keep their tiles' : 'it keeps its tile'} for ${grace} in case of a reconnect, then the layout closes the gap`,
        ]
      : []),
    ...room.explain,
  ];
  return (
    <>
      <h1>
        {`Room ${room.id} `}
        <StatusBadge status={room.deleting ? 'deleting' : room.status} />
      </h1>
      <p class="muted">
        {`version ${room.version} · `}
        {room.applied ? `session ${room.applied.sessionId}` : 'no session'}
        {room.inSync ? ' · in step with the platform' : ' · catching up with the platform'}
      </p>
      {room.lastError ? (
        <p class="error">
          {`${room.lastError.op} failed with ${room.lastError.code}: ${room.lastError.message}. ${room.lastError.hint}`}
        </p>
      ) : null}
      {room.override ? (
        <p class="notice">
          {`Override ${JSON.stringify(room.override.config)} until `}
          <Time at={room.override.until} />
        </p>
      ) : null}
      {room.deleting ? (
        <p class="notice">Being deleted: the mix is cancelled, then the room is forgotten.</p>
      ) : null}

      <div class="pictures">
        <figure>
          <img
            id="desired"
            src={`${base}/layout.svg?size=640&v=${fingerprint(desiredPicture(room))}`}
            alt="desired layout"
          />
          <figcaption>Desired: what should be mixed now</figcaption>
        </figure>
        <figure>
          <img
            id="applied"
            src={`${base}/applied.svg?size=640&v=${fingerprint(room.applied)}`}
            alt="mix on air"
          />
          <figcaption>Mix on air: what the platform last accepted</figcaption>
        </figure>
      </div>

      <h2>{`Streams pushing (${room.streams.filter((s) => s.state === 'live').length})`}</h2>
      <table id="streams">
        <thead>
          <tr>
            <th>stream</th>
            <th>role</th>
            <th>media</th>
            <th>state</th>
            <th>pushed</th>
            <th>size</th>
            <th>note</th>
          </tr>
        </thead>
        <tbody>
          {room.streams.map((s) => (
            <tr data-stream={s.streamId}>
              <td class="mono">{s.streamId}</td>
              <td>{s.role}</td>
              <td>{s.media}</td>
              <td>{s.state}</td>
              <td>
                <Time at={s.pushedAt} />
              </td>
              <td>{s.width && s.height ? `${s.width}×${s.height}` : 'unknown'}</td>
              <td>
                {[
                  s.state === 'leaving' ? `leaving: back in the layout if it returns within ${grace}` : '',
                  s.unmixable ?? '',
                  pushed.get(s.streamId) ?? '',
                ]
                  .filter(Boolean)
                  .join('; ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Why this layout</h2>
      <ul class="explain" id="explain">
        {why.map((line) => (
          <li>{line}</li>
        ))}
      </ul>

      <h2>Timeline</h2>
      <table id="timeline">
        <thead>
          <tr>
            <th>time (UTC)</th>
            <th>v</th>
            <th>what</th>
            <th>detail</th>
          </tr>
        </thead>
        <tbody>
          {props.events.map((entry) => (
            <tr>
              <td>
                <Time at={entry.at} />
              </td>
              <td>{entry.v}</td>
              <td>{entry.type}</td>
              <td class="mono">{auditLine(entry)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** What the desired picture shows: the plan, or without one the reasons and whether it is being deleted. */
function desiredPicture(room: { desired: unknown; explain: unknown; deleting: boolean }): unknown {
  return room.desired ?? { explain: room.explain, deleting: room.deleting };
}

/** Changes whenever the picture does, so the browser fetches it again then (and only then). */
function fingerprint(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value)).digest('hex').slice(0, 12);
}

/** `3 s`, `1.5 s`. */
function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/**
 * What each stream's latest push said about its params (e.g. a `mix_layout` that is no preset),
 * from the timeline: the room keeps only the value it fell back to.
 */
export function pushNotes(events: AuditLike[], streams: { streamId: string }[]): Map<string, string> {
  const notes = new Map<string, string>();
  const seen = new Set<string>();
  const present = new Set(streams.map((s) => s.streamId));
  // Newest first: the first push entry of a stream is its latest.
  for (const entry of [...events].sort((a, b) => b.at - a.at)) {
    if (entry.type !== 'callback' || entry.kind !== 'push' || typeof entry.stream !== 'string') continue;
    if (seen.has(entry.stream) || !present.has(entry.stream)) continue;
    seen.add(entry.stream);
    if (typeof entry.notes === 'string' && entry.notes) notes.set(entry.stream, entry.notes);
  }
  return notes;
}
