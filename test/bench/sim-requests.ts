import type { MixRequestRecord } from '../../src/sim/index.js';

/** Reading the mix requests the simulator logged: their inputs, their wire content, repeats. */

interface LegacyBody {
  interface?: { para?: { input_stream_list?: { input_stream_id?: unknown }[] } };
}

/** The input stream ids of a start, in order; [] for anything else. */
export function inputsOf(record: MixRequestRecord): string[] {
  const list = (record.body as LegacyBody | null)?.interface?.para?.input_stream_list ?? [];
  return list.map((input) => String(input.input_stream_id));
}

/** The request's content without its envelope (timestamp, eventId): equal keys mean the same request. */
export function wireKey(record: MixRequestRecord): string {
  return JSON.stringify((record.body as LegacyBody | null)?.interface?.para ?? record.body);
}

/** Two requests in a row for one session with the same content; and how many followed an accepted one. */
export function countRepeats(records: readonly MixRequestRecord[]): {
  identical: number;
  afterSuccess: number;
} {
  const last = new Map<string, MixRequestRecord>();
  let identical = 0;
  let afterSuccess = 0;
  for (const record of [...records].sort((a, b) => a.at - b.at)) {
    const session = record.sessionId ?? '?';
    const previous = last.get(session);
    if (previous && wireKey(previous) === wireKey(record)) {
      identical += 1;
      if (previous.code === 0) afterSuccess += 1;
    }
    last.set(session, record);
  }
  return { identical, afterSuccess };
}

/** Requests (starts and cancels) per output stream, in arrival order. */
export function requestsByOutput(records: readonly MixRequestRecord[]): Map<string, MixRequestRecord[]> {
  const byOutput = new Map<string, MixRequestRecord[]>();
  for (const record of [...records].sort((a, b) => a.at - b.at)) {
    if (!record.outputStreamId) continue;
    const list = byOutput.get(record.outputStreamId) ?? [];
    list.push(record);
    byOutput.set(record.outputStreamId, list);
  }
  return byOutput;
}

/**
 * The first request at or after `since` that shows the change: a start whose inputs include the
 * stream (a join) or leave it out (a leave, or a cancel). `accepted` = only answers with code 0.
 */
export function firstReflecting(
  records: readonly MixRequestRecord[] | undefined,
  change: { kind: 'join' | 'leave'; streamId: string; since: number },
  accepted = false,
): MixRequestRecord | undefined {
  return records?.find(
    (record) =>
      record.at >= change.since &&
      (!accepted || record.code === 0) &&
      (change.kind === 'join'
        ? record.op === 'start' && inputsOf(record).includes(change.streamId)
        : record.op === 'cancel' || !inputsOf(record).includes(change.streamId)),
  );
}
