import { z } from 'zod';
import type { Clock } from './clock.js';
import { PLATFORM_MS } from './platform-rules.js';

/**
 * The live streams the simulated ingest knows: what `POST /sim/streams` pushes and
 * `DELETE /sim/streams/:id` stops. Any stream name the real ingest would take is accepted,
 * including ones the mix API cannot use: that is the client's problem to notice.
 */

/** A push as the simulator's API and scenarios describe it. */
export const pushSpecSchema = z.strictObject({
  streamId: z
    .string()
    .min(1)
    .max(256)
    .regex(/^[^\s/?#&]+$/, 'a stream name: no spaces, slashes, ?, # or &'),
  /** The push URL's query, raw (`mix_room=r1&mix_role=main`) or as a map. */
  params: z.union([z.string().max(4096), z.record(z.string(), z.string())]).optional(),
  /** Video size; default 720×1280. 0×0 = the ingest has not read the video header. */
  width: z.number().int().min(0).max(8192).optional(),
  height: z.number().int().min(0).max(8192).optional(),
  /** Push domain, the callback's `app`. */
  domain: z.string().min(1).max(253).optional(),
  /** Push path, the callback's `appname`. */
  appName: z.string().min(1).max(128).optional(),
  /** false: the push callback reports 0×0, as when the video header arrives after the callback. */
  reportSize: z.boolean().optional(),
  /** The pusher's IP, the callback's `user_ip`. */
  userIp: z.string().min(1).max(64).optional(),
});
export type PushSpec = z.infer<typeof pushSpecSchema>;

const DEFAULT_STREAM = {
  width: 720,
  height: 1280,
  domain: 'sim.livepush.myqcloud.com',
  appName: 'live',
  /** Documentation addresses (RFC 5737): clearly not a real ingest node or pusher. */
  node: '198.51.100.7',
  userIp: '203.0.113.10',
} as const;

export interface LiveStream {
  streamId: string;
  /** Identifies this push; its disconnect carries the same value. A decimal string > 2^53. */
  sequence: string;
  /** `stream_param`: the push URL's raw query. */
  params: string;
  width: number;
  height: number;
  domain: string;
  appName: string;
  userIp: string;
  node: string;
  reportSize: boolean;
  /** When the push went live, Unix ms (real). */
  pushedAt: number;
  /** From when the mix API accepts it, Unix ms (real): pushedAt + 5 s × scale. */
  readyAt: number;
}

export interface PushResult {
  stream: LiveStream;
  /** The push this one replaced, when the stream name was already live. */
  replaced?: LiveStream;
}

export class StreamRegistry {
  private readonly live = new Map<string, LiveStream>();
  private readonly stoppedAt = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  push(spec: PushSpec): PushResult {
    const now = this.clock.now();
    const replaced = this.live.get(spec.streamId);
    const stream: LiveStream = {
      streamId: spec.streamId,
      sequence: nextSequence(),
      params:
        typeof spec.params === 'object' ? new URLSearchParams(spec.params).toString() : (spec.params ?? ''),
      width: spec.width ?? DEFAULT_STREAM.width,
      height: spec.height ?? DEFAULT_STREAM.height,
      domain: spec.domain ?? DEFAULT_STREAM.domain,
      appName: spec.appName ?? DEFAULT_STREAM.appName,
      userIp: spec.userIp ?? DEFAULT_STREAM.userIp,
      node: DEFAULT_STREAM.node,
      reportSize: spec.reportSize ?? true,
      pushedAt: now,
      // A replacing push is a new ingest connection: the platform needs the same settling time.
      readyAt: now + this.clock.toReal(PLATFORM_MS.readyDelay),
    };
    this.live.set(stream.streamId, stream);
    this.stoppedAt.delete(stream.streamId);
    return replaced ? { stream, replaced } : { stream };
  }

  stop(streamId: string): LiveStream | undefined {
    const stream = this.live.get(streamId);
    if (!stream) return undefined;
    this.live.delete(streamId);
    this.stoppedAt.set(streamId, this.clock.now());
    return stream;
  }

  setResolution(streamId: string, width: number, height: number): LiveStream | undefined {
    const stream = this.live.get(streamId);
    if (!stream) return undefined;
    stream.width = width;
    stream.height = height;
    return stream;
  }

  get(streamId: string): LiveStream | undefined {
    return this.live.get(streamId);
  }

  list(): LiveStream[] {
    return [...this.live.values()];
  }

  /** When a stream that is not live now last stopped, if it ever did. */
  lastStoppedAt(streamId: string): number | undefined {
    return this.stoppedAt.get(streamId);
  }

  isReady(stream: LiveStream): boolean {
    return this.clock.now() >= stream.readyAt;
  }

  clear(): void {
    this.live.clear();
    this.stoppedAt.clear();
  }
}

let sequenceCounter = 0n;

/**
 * A fresh push id: Unix ms × 10^6 plus a process-wide counter, about 1.7 × 10^18 — well past 2^53,
 * like Tencent's, so a client that reads it as a Number loses digits and fails its tests.
 */
export function nextSequence(): string {
  sequenceCounter = (sequenceCounter + 1n) % 1_000_000n;
  return (BigInt(Date.now()) * 1_000_000n + sequenceCounter).toString();
}
