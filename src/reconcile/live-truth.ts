/**
 * The platform's own account of which streams are live, when one is available (the API 3.0
 * backend's DescribeLiveStreamOnlineList). The resync compares rooms with it to repair lost
 * disconnects and forged pushes: callbacks' signatures do not cover their bodies.
 */
export interface LiveTruth {
  /**
   * Stream names live on the platform now, or `null` when the platform could not be asked (the
   * resync then trusts the callbacks alone, as without a LiveTruth).
   */
  liveStreams(): Promise<ReadonlySet<string> | null>;
}
