/**
 * The platform's own account of which streams are live, when one is available (the online list,
 * DescribeLiveStreamOnlineList, read per push origin). The resync compares rooms with it to repair
 * lost disconnects and forged pushes: callbacks' signatures do not cover their bodies.
 */
export interface LiveTruth {
  /**
   * What is live on the platform now, or `null` when nothing could be asked (the resync then
   * trusts the callbacks alone, as without a LiveTruth).
   */
  liveStreams(): Promise<LiveListing | null>;
}

export interface LiveListing {
  /** Stream names live now under the origins read. */
  streams: ReadonlySet<string>;
  /**
   * Whose streams the listing speaks for: every stream (`all`), or those of the push origins
   * (`domain/appname`, src/tencent/push-origin.ts) read in full. An origin that failed or timed out
   * is not among them: its streams keep the silence rule (STREAM_SILENCE_MS).
   */
  origins: 'all' | ReadonlySet<string>;
  /** Every origin asked about was read: then it speaks for streams of no recorded origin too. */
  complete: boolean;
}

/** Whether the listing can tell that a stream of this origin is gone. */
export function listingCovers(listing: LiveListing, origin: string | undefined): boolean {
  if (listing.origins === 'all') return true;
  return origin === undefined ? listing.complete : listing.origins.has(origin);
}
