import fc from 'fast-check';
import type { Media, Preset, Role, RoomConfig, SnapshotStream } from '../../src/layout/index.js';
import { readMembership } from '../../src/rooms/membership.js';
import type { Observation } from '../../src/rooms/observations.js';

/**
 * Random push / disconnect histories of one room, as Tencent produces them (reference §1): each
 * stream pushes up to three times; a push ends with its own disconnect, is replaced by the next
 * push of the same stream name (with the 21/102 disconnect of the old sequence, stamped that
 * second or the next, or with that disconnect lost), or is still live. Deliveries repeat and
 * permute the events as Tencent's retries do. The truth is the set of streams whose latest push
 * has no disconnect.
 */

export interface PushPlan {
  sequence: string;
  /** Event time, Unix seconds (1-second resolution, as Tencent sends it). */
  atS: number;
  width: number;
  height: number;
  end: 'live' | 'disconnect' | 'replaced' | 'replaced-silently';
}

export interface StreamPlan {
  streamId: string;
  role: Role;
  media: Media;
  /** A stream id the mix API cannot take: recorded, shown, never mixed. */
  unmixable: boolean;
  /** In event-time order, strictly increasing. */
  pushes: PushPlan[];
}

export interface RoomEvent {
  kind: 'push' | 'disconnect';
  streamId: string;
  sequence: string;
  eventTimeMs: number;
  width: number;
  height: number;
  role: Role;
  media: Media;
  unmixable: boolean;
}

export interface RoomHistory {
  config: RoomConfig;
  streams: StreamPlan[];
  /** Every event once, in the order the platform produced them. */
  events: RoomEvent[];
}

/** One delivery of an event: `gapMs` after the previous one. */
export interface Delivery {
  event: RoomEvent;
  gapMs: number;
}

export const eventKey = (e: Pick<RoomEvent, 'kind' | 'streamId' | 'sequence'>) =>
  `${e.kind} ${e.streamId} ${e.sequence}`;

const T0_S = 1_700_000_000;
const SIZES: readonly [number, number][] = [
  [0, 0],
  [540, 960],
  [720, 1280],
  [1280, 720],
  [1920, 1080],
];

const pushDraw = fc.record({
  gapS: fc.integer({ min: 1, max: 40 }),
  size: fc.constantFrom(...SIZES),
  endRoll: fc.nat(99),
  discOffsetS: fc.nat(40),
  sequence: fc.bigInt({ min: 10n ** 17n, max: 2n ** 64n - 1n }),
});

const streamDraw = fc.record({
  role: fc.constantFrom<Role>('main', 'guest', 'guest'),
  media: fc.constantFrom<Media>('av', 'av', 'av', 'audio', 'video'),
  unmixable: fc.nat(19).map((n) => n === 0),
  pushes: fc.array(pushDraw, { minLength: 1, maxLength: 3 }),
});

export function roomHistoryArb(maxStreams = 16): fc.Arbitrary<RoomHistory> {
  return fc
    .record({
      preset: fc.constantFrom<Preset>('pip', 'pip', 'grid', 'grid', 'pk', 'speaker', 'audio'),
      compact: fc.boolean(),
      streams: fc.array(streamDraw, { minLength: 1, maxLength: maxStreams }),
    })
    .map(({ preset, compact, streams }) => buildHistory({ preset, compact }, streams));
}

type StreamDraw = typeof streamDraw extends fc.Arbitrary<infer T> ? T : never;

function buildHistory(config: RoomConfig, draws: StreamDraw[]): RoomHistory {
  const streams: StreamPlan[] = draws.map((draw, i) => {
    const seen = new Set<string>();
    let atS = T0_S;
    const pushes = draw.pushes.map((p, j): PushPlan => {
      atS += p.gapS;
      let sequence = p.sequence;
      while (seen.has(String(sequence))) sequence += 1n;
      seen.add(String(sequence));
      const last = j === draw.pushes.length - 1;
      const end: PushPlan['end'] = last
        ? p.endRoll < 50
          ? 'live'
          : 'disconnect'
        : p.endRoll < 50
          ? 'disconnect'
          : p.endRoll < 80
            ? 'replaced'
            : 'replaced-silently';
      return { sequence: String(sequence), atS, width: p.size[0], height: p.size[1], end };
    });
    return {
      streamId: draw.unmixable ? `s${i}-unmixable` : `s${i}`,
      role: draw.role,
      media: draw.media,
      unmixable: draw.unmixable,
      pushes,
    };
  });

  const events: RoomEvent[] = [];
  for (const [i, stream] of streams.entries()) {
    const draw = draws[i]!;
    stream.pushes.forEach((push, j) => {
      const next = stream.pushes[j + 1];
      const base = {
        streamId: stream.streamId,
        sequence: push.sequence,
        width: push.width,
        height: push.height,
        role: stream.role,
        media: stream.media,
        unmixable: stream.unmixable,
      };
      events.push({ ...base, kind: 'push', eventTimeMs: push.atS * 1000 });
      const offset = draw.pushes[j]!.discOffsetS;
      let discS: number | undefined;
      if (push.end === 'disconnect')
        discS = next ? push.atS + (offset % (next.atS - push.atS + 1)) : push.atS + offset;
      // The 21/102 disconnect of a replaced push: the second the new push came, or the next.
      else if (push.end === 'replaced' && next) discS = next.atS + (offset % 2);
      if (discS !== undefined) events.push({ ...base, kind: 'disconnect', eventTimeMs: discS * 1000 });
    });
  }
  events.sort((a, b) => a.eventTimeMs - b.eventTimeMs);
  return { config, streams, events };
}

/** Every event one to three times, in any order, with 0–2 s between deliveries. */
export function deliveriesArb(history: RoomHistory): fc.Arbitrary<Delivery[]> {
  const copies = fc.array(fc.integer({ min: 1, max: 3 }), {
    minLength: history.events.length,
    maxLength: history.events.length,
  });
  return copies.chain((counts) => {
    const all = history.events.flatMap((event, i) => Array.from({ length: counts[i] ?? 1 }, () => event));
    return fc
      .tuple(
        fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
        fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: all.length, maxLength: all.length }),
      )
      .map(([order, gaps]) => order.map((event, i) => ({ event, gapMs: gaps[i] ?? 0 })));
  });
}

/** The callback's observation as the events worker builds it (membership from `stream_param`). */
export function observationOf(roomId: string, event: RoomEvent, receivedAt: number): Observation {
  const member = readMembership({ mix_room: roomId, mix_role: event.role, mix_media: event.media });
  if (!member.ok) throw new Error(`bad membership for room ${roomId}`);
  return {
    kind: event.kind,
    streamId: event.streamId,
    sequence: event.sequence,
    eventTimeMs: event.eventTimeMs,
    receivedAt,
    width: event.width,
    height: event.height,
    membership: member.membership,
    ...(event.unmixable ? { unmixable: 'stream id must be 1-80 letters, digits or underscores' } : {}),
  };
}

/**
 * The streams that are live in truth, as the layout should see them: the latest push of each
 * stream with no disconnect, joined when that push was first received (`receivedAt` of the first
 * delivery of it, in the order deliveries reached Redis).
 */
export function truthStreams(
  history: RoomHistory,
  firstReceivedAt: ReadonlyMap<string, number>,
): SnapshotStream[] {
  const live: SnapshotStream[] = [];
  for (const stream of history.streams) {
    const latest = stream.pushes.at(-1);
    if (latest?.end !== 'live' || stream.unmixable) continue;
    const joinedAt = firstReceivedAt.get(
      eventKey({ kind: 'push', streamId: stream.streamId, sequence: latest.sequence }),
    );
    if (joinedAt === undefined)
      throw new Error(`push ${stream.streamId} ${latest.sequence} was never delivered`);
    live.push({
      streamId: stream.streamId,
      role: stream.role,
      media: stream.media,
      joinedAt,
      width: latest.width,
      height: latest.height,
    });
  }
  return live;
}

/** Describes a history compactly for a counterexample report. */
export function describeHistory(history: RoomHistory): string {
  return history.streams
    .map(
      (s) =>
        `${s.streamId}(${s.role},${s.media}): ` +
        s.pushes.map((p) => `${p.sequence.slice(-4)}@${p.atS - T0_S}s→${p.end}`).join(', '),
    )
    .join('; ');
}
