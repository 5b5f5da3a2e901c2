import type { LiveEvent } from '../tencent/callback.js';
import { encodeAuditFields } from './audit.js';
import type { Membership } from './membership.js';
import { indexRoomWithinCap } from './room-index.js';
import type { RoomStore } from './room-store.js';
import type { ObservationOutcome } from './scripts/observation.js';
import {
  runApplyObservation,
  runConfirmStreams,
  runForgetStreams,
  runSettleVerification,
} from './scripts/observation.js';
import type { StoredStream } from './stored.js';

/**
 * What is known of a room's streams: callbacks (a push or a disconnect), the resync's repairs (a
 * push the platform no longer lists, one it still does) and the reconcile's forgetting of pushes
 * whose leave grace has passed. Each is one script on the room's keys.
 */

export type { ObservationOutcome };

/**
 * How many fields of an observation's audit entry the script decides: its outcome, the first.
 * Matches the `{ outcome }` the Lua passes to `auditLine` (scripts/observation.ts).
 */
const DECIDED_BY_SCRIPT = 1;

/**
 * A push or disconnect as its room takes it: the callback's event (src/tencent/callback.ts), the
 * part of it a room keeps, with what the events worker resolved from the rest (the room and role
 * its params name, its push origin). What a push stores is a `StoredStream`, built from this in
 * `applyObservation`: stored JSON keeps its own field names across releases.
 */
export type Observation = Pick<
  LiveEvent,
  'kind' | 'streamId' | 'sequence' | 'eventTimeMs' | 'receivedAt' | 'width' | 'height' | 'unmixable'
> &
  Partial<Pick<LiveEvent, 'errcode' | 'subErrcode' | 'errmsg'>> & {
    membership: Membership;
    /** A push's origin key (`domain/appname`), when its callback named a well-formed one. */
    origin?: string;
    /** A push to check against the platform's online list before it is first mixed. */
    verify?: 'pending';
  };

export async function applyObservation(
  store: RoomStore,
  obs: Observation,
  nowMs: number,
): Promise<{ outcome: ObservationOutcome; version: number; cap?: 'rooms' | 'streams' }> {
  const { roomId } = obs.membership;
  const record: StoredStream = {
    streamId: obs.streamId,
    sequence: obs.sequence,
    role: obs.membership.role,
    media: obs.membership.media,
    pushedAt: obs.receivedAt,
    eventTimeMs: obs.eventTimeMs,
    width: obs.width,
    height: obs.height,
    ...(obs.unmixable ? { unmixable: obs.unmixable } : {}),
    ...(obs.origin ? { origin: obs.origin } : {}),
    ...(obs.verify ? { verify: obs.verify } : {}),
  };
  const audit = {
    kind: obs.kind,
    stream: obs.streamId,
    seq: obs.sequence,
    ...(obs.membership.notes.length ? { notes: obs.membership.notes.join('; ') } : {}),
    ...(obs.unmixable ? { unmixable: obs.unmixable } : {}),
    ...(obs.kind === 'disconnect' ? disconnectReason(obs) : {}),
  };
  // Index first: an index entry without state is harmless, state without an entry is invisible.
  // A room that cannot be indexed (ROOMS_MAX) gets no state either.
  if (!(await indexRoomWithinCap(store, roomId, nowMs)))
    return { outcome: 'refused', version: 0, cap: 'rooms' };
  const result = await runApplyObservation(store.redis, store.keys.room(roomId), {
    kind: obs.kind,
    streamId: obs.streamId,
    sequence: obs.sequence,
    eventTime: obs.eventTimeMs,
    record: JSON.stringify(record),
    now: nowMs,
    tombstoneTtl: store.tombstoneTtlMs,
    preset: (obs.kind === 'push' && obs.membership.preset) || '',
    maxStreams: store.maxStreams,
    auditCap: store.auditCap,
    auditType: 'callback',
    auditFields: encodeAuditFields('callback', audit, DECIDED_BY_SCRIPT),
  });
  return result.outcome === 'refused' ? { ...result, cap: 'streams' } : result;
}

/**
 * Why the platform ended a push, for the room's timeline: `errcode` as the platform's tables write
 * it (`21/102`: a new push replaced it; reference §1.5) and its text.
 */
function disconnectReason({ errcode, subErrcode, errmsg }: Observation): {
  errcode?: string;
  errmsg?: string;
} {
  if (errcode === undefined) return {};
  return {
    errcode: subErrcode === undefined ? String(errcode) : `${errcode}/${subErrcode}`,
    ...(errmsg ? { errmsg } : {}),
  };
}

/**
 * Ends a stream's push as its lost disconnect would have (same sequence only, tombstoned, version
 * bumped, audited as `resync`), when the resync finds it silent or unlisted by the platform.
 */
export function expireStream(
  store: RoomStore,
  roomId: string,
  stream: { streamId: string; sequence: string },
  reason: string,
  nowMs: number,
): Promise<{ outcome: ObservationOutcome; version: number }> {
  const audit = { action: 'expire', stream: stream.streamId, seq: stream.sequence, reason };
  return runApplyObservation(store.redis, store.keys.room(roomId), {
    kind: 'disconnect',
    streamId: stream.streamId,
    sequence: stream.sequence,
    eventTime: 0,
    record: '',
    now: nowMs,
    tombstoneTtl: store.tombstoneTtlMs,
    preset: '',
    maxStreams: store.maxStreams,
    auditCap: store.auditCap,
    auditType: 'resync',
    auditFields: encodeAuditFields('resync', audit, DECIDED_BY_SCRIPT),
  });
}

/**
 * Removes pushes whose leave grace has passed, as the caller's view of the room decided
 * (`viewRoom`'s `departed`); a stream pushed again since is kept. Returns how many were removed.
 */
export async function forgetDeparted(
  store: RoomStore,
  roomId: string,
  streams: readonly { streamId: string; sequence: string }[],
): Promise<number> {
  if (!streams.length) return 0;
  return runForgetStreams(store.redis, store.keys.room(roomId), streams);
}

/** Marks streams as seen live by the platform now (same sequence, not leaving); returns how many. */
export async function confirmStreams(
  store: RoomStore,
  roomId: string,
  streams: { streamId: string; sequence: string }[],
  nowMs: number,
): Promise<number> {
  if (!streams.length) return 0;
  return runConfirmStreams(store.redis, store.keys.room(roomId), { now: nowMs }, streams);
}

/**
 * Records what the online list said of pushes awaiting verification (same sequence, still pending):
 * `unlisted` ones get `why` as their `unmixable` note. No version bump: the reconcile that asked
 * goes on with what it learnt. Returns how many were settled.
 */
export async function settleVerification(
  store: RoomStore,
  roomId: string,
  verdict: 'listed' | 'unchecked' | 'unlisted',
  why: string,
  streams: readonly { streamId: string; sequence: string }[],
): Promise<number> {
  if (!streams.length) return 0;
  return runSettleVerification(store.redis, store.keys.room(roomId), { verdict, why }, streams);
}
