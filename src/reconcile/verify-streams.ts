import type { StreamListing, StreamVerifier } from '../mix/online-list.js';
import { settleVerification } from '../rooms/observations.js';
import type { RoomState } from '../rooms/room-state.js';
import type { RoomStore } from '../rooms/room-store.js';
import type { StoredStream } from '../rooms/stored.js';
import { parsePushOriginKey } from '../tencent/push-origin.js';

/**
 * VERIFY_NEW_STREAMS: a push callback's body is not signed, so a new stream is mixed only once the
 * platform's online list shows it live. The reconcile asks as soon as it sees the push (within the
 * readiness delay it waits anyway), then again with growing gaps while the list may lag; after
 * STREAM_VERIFY_WINDOW_MS an unlisted stream is refused for good (its room says why), while a list
 * that could not be read at all lets the stream through ("unchecked"): the list is auxiliary by
 * Tencent's own account, and its outage must not stop every room.
 */

export const UNLISTED = 'the platform’s online list does not show it live: not mixed (VERIFY_NEW_STREAMS)';
export const NO_ORIGIN =
  'its push named no push domain and AppName to ask the online list about: not mixed (VERIFY_NEW_STREAMS)';

type Verdict = { verdict: 'listed' | 'unchecked' | 'unlisted'; why: string };

/** Pure: what one answer means for a push, at `now`; `undefined` = still pending, ask again. */
export function verdictOf(
  answer: StreamListing | 'no-origin',
  stream: Pick<StoredStream, 'pushedAt'>,
  now: number,
  windowMs: number,
): Verdict | undefined {
  if (answer === 'listed') return { verdict: 'listed', why: '' };
  if (answer === 'no-origin') return { verdict: 'unlisted', why: NO_ORIGIN };
  if (now < stream.pushedAt + windowMs) return undefined;
  return answer === 'unlisted' ? { verdict: 'unlisted', why: UNLISTED } : { verdict: 'unchecked', why: '' };
}

/** Pure: when to ask again about a push still pending: gaps of 0.5 s growing to 4 s, the window's end last. */
export function nextCheckAt(pushedAt: number, now: number, windowMs: number): number {
  const gap = Math.min(Math.max(now - pushedAt, 500), 4000);
  return Math.min(now + gap, pushedAt + windowMs);
}

export interface VerifyDeps {
  store: RoomStore;
  /** Absent: verification is off, and pushes left pending (by an earlier configuration) pass as unchecked. */
  verifier?: StreamVerifier | undefined;
  windowMs: number;
  /** Told each verdict recorded (a metric). */
  counted?: (verdict: Verdict['verdict'], streams: number) => void;
}

/**
 * Asks about the room's pending pushes, records the verdicts, and returns the room as it now is,
 * with when to ask again (if any push is still pending).
 */
export async function verifyNewStreams(
  state: RoomState,
  now: number,
  deps: VerifyDeps,
): Promise<{ state: RoomState; againAt?: number }> {
  const pending = state.streams.filter((s) => s.verify === 'pending' && s.leftAt === undefined);
  if (!pending.length) return { state };
  const { verifier } = deps;
  const answers = verifier
    ? await Promise.all(
        pending.map((s) => {
          const origin = s.origin === undefined ? undefined : parsePushOriginKey(s.origin);
          return origin ? verifier.listing(origin, s.streamId) : Promise.resolve('no-origin' as const);
        }),
      )
    : undefined;
  const settled = new Map<string, Verdict>();
  let againAt: number | undefined;
  pending.forEach((s, i) => {
    const answer = answers?.[i];
    const verdict =
      answer === undefined
        ? { verdict: 'unchecked' as const, why: '' }
        : verdictOf(answer, s, now, deps.windowMs);
    if (verdict) settled.set(s.streamId, verdict);
    else againAt = Math.min(againAt ?? Infinity, nextCheckAt(s.pushedAt, now, deps.windowMs));
  });
  const groups = new Map<string, { verdict: Verdict; streams: StoredStream[] }>();
  for (const s of pending) {
    const verdict = settled.get(s.streamId);
    if (!verdict) continue;
    const key = `${verdict.verdict} ${verdict.why}`;
    const group = groups.get(key) ?? { verdict, streams: [] };
    group.streams.push(s);
    groups.set(key, group);
  }
  for (const { verdict, streams } of groups.values()) {
    const settledNow = await settleVerification(
      deps.store,
      state.roomId,
      verdict.verdict,
      verdict.why,
      streams,
    );
    if (settledNow) deps.counted?.(verdict.verdict, settledNow);
  }
  const streams = state.streams.map((s) => {
    const verdict = s.verify === 'pending' ? settled.get(s.streamId) : undefined;
    if (!verdict) return s;
    return { ...s, verify: verdict.verdict, ...(verdict.why ? { unmixable: verdict.why } : {}) };
  });
  return againAt === undefined ? { state: { ...state, streams } } : { state: { ...state, streams }, againAt };
}
