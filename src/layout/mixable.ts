import { type MixLimits, STREAM_ID_PATTERN } from '../tencent/limits.js';
import { byJoinOrder } from './join-order.js';
import type { RoomSnapshot, SnapshotStream } from './plan.js';
import { exceedsInputLimit, formatSize, hasVideo, knownSize } from './source-size.js';

/** The live streams that may go into the mix, and the room's main among them. */
export interface MixableRoom {
  /** In join order; ids valid and unique. */
  streams: SnapshotStream[];
  /** `config.mainStreamId` when mixable, else the earliest-joined mixable stream with role main. */
  main: SnapshotStream | undefined;
}

/**
 * Applies the room's filters in the order an operator reads them: names the platform cannot take,
 * sizes it cannot take, the output's own name (a type 1 output must be a new stream),
 * `include`, `exclude`, then the audio-only policy. Each stream left out gets one reason.
 * Sizes are those of the mix API in use (`limits`).
 */
export function selectMixable(
  snapshot: RoomSnapshot,
  outputStreamId: string | undefined,
  reasons: string[],
  limits: MixLimits,
): MixableRoom {
  const { config } = snapshot;
  const filters: Filters = {
    include: config.include === undefined ? undefined : new Set(config.include),
    exclude: new Set(config.exclude ?? []),
    excludeAudio: config.audioOnly === 'exclude',
    outputStreamId,
    limits,
    seen: new Set<string>(),
  };
  const streams: SnapshotStream[] = [];
  for (const stream of [...snapshot.streams].sort(byJoinOrder)) {
    const why = leaveOut(stream, filters);
    if (why) reasons.push(why);
    else streams.push(stream);
    filters.seen.add(stream.streamId);
  }
  return { streams, main: chooseMain(snapshot, streams, reasons) };
}

interface Filters {
  include: ReadonlySet<string> | undefined;
  exclude: ReadonlySet<string>;
  excludeAudio: boolean;
  outputStreamId: string | undefined;
  limits: MixLimits;
  /** Ids met so far, earlier joiners first. */
  seen: Set<string>;
}

/** Why this stream stays out of the mix, or undefined when it may go in. */
function leaveOut(stream: SnapshotStream, f: Filters): string | undefined {
  const id = stream.streamId;
  if (!STREAM_ID_PATTERN.test(id)) {
    return `${JSON.stringify(id)} left out: stream ids must be 1-80 letters, digits or underscores`;
  }
  if (f.seen.has(id)) return `${id} appears twice in the snapshot: the earlier push is used`;
  const size = knownSize(stream);
  if (size && exceedsInputLimit(size, f.limits)) {
    return `${id} left out: its ${formatSize(size)} picture is over ${f.limits.apiName}'s input limit of ${f.limits.maxPixels} px a side`;
  }
  if (id === f.outputStreamId) {
    return `${id} left out: it has the output's name, and a type 1 output must be a new stream`;
  }
  if (f.include && !f.include.has(id)) return `${id} left out: not in config.include`;
  if (f.exclude.has(id)) return `${id} left out: listed in config.exclude`;
  if (stream.media === 'audio' && f.excludeAudio) {
    return `${id} left out: audio-only, and the room's audioOnly policy is "exclude"`;
  }
  return undefined;
}

function chooseMain(
  snapshot: RoomSnapshot,
  streams: SnapshotStream[],
  reasons: string[],
): SnapshotStream | undefined {
  const configured = snapshot.config.mainStreamId;
  if (configured !== undefined) {
    const main = streams.find((s) => s.streamId === configured);
    if (main) {
      reasons.push(`main: ${main.streamId}, named by config.mainStreamId`);
      return main;
    }
    reasons.push(`config.mainStreamId ${JSON.stringify(configured)} is not a mixable live stream`);
  }
  const mains = streams.filter((s) => s.role === 'main');
  const main = mains[0];
  if (!main) {
    reasons.push('no main: no mixable live stream has role main');
    return undefined;
  }
  reasons.push(`main: ${main.streamId}, the earliest-joined live stream with role main`);
  for (const other of mains.slice(1)) {
    reasons.push(`${other.streamId} also has role main but joined later: mixed as a guest`);
  }
  return main;
}

/** The stream a layout centres on (speaker's large tile, a template's background): the main when
 *  it has a picture, else the earliest joiner with one. */
export function featuredStream(room: MixableRoom): SnapshotStream | undefined {
  if (room.main && hasVideo(room.main)) return room.main;
  return room.streams.find(hasVideo);
}
