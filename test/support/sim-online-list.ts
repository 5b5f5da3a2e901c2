import type { OnlineList } from '../../src/mix/online-list.js';

/**
 * The simulator's live streams as the platform's online list: what the API 3.0 backend reads from
 * DescribeLiveStreamOnlineList, served here by `GET /sim/streams`. Names only, as the real list
 * gives: no sequence, no room.
 */
export function simOnlineList(simUrl: string, timeoutMs = 2000): OnlineList {
  return {
    async liveStreams() {
      try {
        const res = await fetch(`${simUrl}/sim/streams`, { signal: AbortSignal.timeout(timeoutMs) });
        if (!res.ok) return null;
        const streams = (await res.json()) as { streamId: string }[];
        // The simulator lists every origin's streams: it speaks for all of them.
        return { streams: new Set(streams.map((stream) => stream.streamId)), origins: 'all', complete: true };
      } catch {
        return null;
      }
    },
  };
}
