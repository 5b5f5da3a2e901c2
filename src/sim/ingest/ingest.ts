import type { Clock } from '../core/clock.js';
import { PLATFORM_MS } from '../core/platform-rules.js';
import type { LiveStream, PushResult, PushSpec, StreamRegistry } from '../core/streams.js';
import type { MixPlatform } from '../platform/mix-platform.js';
import { DISCONNECT_REASON, disconnectCallbackBody, pushCallbackBody } from './callback-bodies.js';
import type { CallbackSender } from './callback-sender.js';

/**
 * The simulated ingest: a push or a stop changes the live set, tells the mix platform (frozen
 * tiles, abandoned sessions) and sends the callback Tencent would send. A push over a live name
 * replaces it, and — as on CSS — the old push's disconnect (errcode 21) comes after the new push's
 * callback: a late disconnect a correct receiver ignores because its sequence is stale.
 */
export interface IngestOptions {
  clock: Clock;
  appId: number;
  callbackKey: string;
  streams: StreamRegistry;
  platform: MixPlatform;
  callbacks: CallbackSender;
  closing: AbortSignal;
  log: (line: string) => void;
}

export class Ingest {
  /** Bumped by `reset`, so a delayed disconnect scheduled before it is not sent after it. */
  private epoch = 0;

  constructor(private readonly options: IngestOptions) {}

  reset(): void {
    this.epoch += 1;
  }

  push(spec: PushSpec): PushResult {
    const { clock, streams, platform, callbacks, closing, log } = this.options;
    const result = streams.push(spec);
    const { stream, replaced } = result;
    platform.onStreamChanged(stream.streamId);
    // A push over a live name may come at another size: default sizes follow it, as on setResolution.
    if (replaced && (replaced.width !== stream.width || replaced.height !== stream.height)) {
      platform.onResolutionChanged(stream.streamId);
    }
    log(
      `push ${stream.streamId} seq=${stream.sequence} ${stream.width}x${stream.height}${replaced ? ` (replaces seq=${replaced.sequence})` : ''}`,
    );
    const pushDelivered = callbacks.send('push', pushCallbackBody(stream, this.context()));
    if (replaced) {
      const epoch = this.epoch;
      void pushDelivered.then(async () => {
        if (!(await clock.sleep(PLATFORM_MS.replacedDisconnectDelay, closing)) || epoch !== this.epoch)
          return;
        void callbacks.send(
          'disconnect',
          disconnectCallbackBody(replaced, this.context(), DISCONNECT_REASON.replaced),
        );
      });
    }
    return result;
  }

  stop(streamId: string): LiveStream | undefined {
    const { streams, platform, callbacks, log } = this.options;
    const stream = streams.stop(streamId);
    if (!stream) return undefined;
    platform.onStreamChanged(streamId);
    log(`stop ${streamId} seq=${stream.sequence}`);
    void callbacks.send(
      'disconnect',
      disconnectCallbackBody(stream, this.context(), DISCONNECT_REASON.stopped),
    );
    return stream;
  }

  setResolution(streamId: string, width: number, height: number): LiveStream | undefined {
    const stream = this.options.streams.setResolution(streamId, width, height);
    if (stream) this.options.platform.onResolutionChanged(streamId);
    return stream;
  }

  private context() {
    return {
      appId: this.options.appId,
      callbackKey: this.options.callbackKey,
      now: this.options.clock.now(),
    };
  }
}
