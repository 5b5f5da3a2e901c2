import type { LiveEvent } from '../../src/tencent/callback.js';

/** A push of `streamId` into room r1 as the receiver turns it into a job (540x960, push.example.com/live), with `over` on top. */
export function pushEvent(streamId: string, over: Partial<LiveEvent> = {}): LiveEvent {
  return {
    kind: 'push',
    streamId,
    sequence: '42',
    eventTimeMs: 1_800_000_000_000,
    receivedAt: 1_800_000_000_001,
    domain: 'push.example.com',
    appName: 'live',
    params: { mix_room: 'r1' },
    width: 540,
    height: 960,
    errcode: 0,
    ...over,
  };
}
