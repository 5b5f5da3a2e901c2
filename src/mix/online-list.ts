import type { Config } from '../config.js';
import { API3 } from '../tencent/api3/envelope.js';
import {
  type DescribeLiveStreamOnlineListRequest,
  describeLiveStreamOnlineListResponseSchema,
  ONLINE_LIST_PAGE_SIZE,
} from '../tencent/api3/online-list.js';
import { type PushOrigin, pushOriginKey } from '../tencent/push-origin.js';
import { type Api3Client, type Api3ClientOptions, api3Client } from './api3-client.js';

/**
 * The platform's own list of live streams (`DescribeLiveStreamOnlineList`), read per push origin
 * (domain, AppName): one call each, with a page size larger than any account's list, as the doc
 * asks ("pass a size larger than the total so one call returns everything"; it is for accounts
 * under 20,000 streams). Paging remains only for a list larger than a page. The resync trusts it
 * over callbacks (it repairs lost disconnects and forged pushes), so each origin is all or
 * nothing: an origin whose list cannot be read in full is left out of the answer — its streams
 * keep the silence rule — rather than half-read, which would make live streams look gone. The
 * other origins still count.
 */

/**
 * The platform's own account of which streams are live, when one is available. The resync
 * compares rooms with it to repair lost disconnects and forged pushes: callbacks' signatures do
 * not cover their bodies. Implemented here with the API, and by the tests with the simulator.
 */
export interface OnlineList {
  /**
   * What is live on the platform now, or `null` when nothing could be asked (the resync then
   * trusts the callbacks alone, as without an online list).
   */
  liveStreams(): Promise<OnlineListing | null>;
}

/** What one read of the online list found. */
export interface OnlineListing {
  /** Stream names live now under the origins read. */
  streams: ReadonlySet<string>;
  /**
   * Whose streams the listing speaks for: every stream (`all`), or those of the push origins
   * (`domain/appname`, src/tencent/push-origin.ts) read in full. An origin that failed or timed out
   * is not among them: its streams keep the silence rule (STREAM_SILENCE_MS).
   */
  origins: 'all' | ReadonlySet<string>;
  /** Every origin asked about was read (reported by the resync; it covers no more streams). */
  complete: boolean;
}

/**
 * Whether the listing can tell that a stream of this origin is gone. A stream of no recorded
 * origin (stored before origins were, or pushed under a malformed one) may be under an origin
 * nobody asked about: only a listing of `all` streams speaks for it; otherwise the silence rule.
 */
export function listingCovers(listing: OnlineListing, origin: string | undefined): boolean {
  if (listing.origins === 'all') return true;
  return origin !== undefined && listing.origins.has(origin);
}

export interface OnlineListOptions {
  client: Api3Client;
  /** The origins to ask about, read afresh for every listing. */
  origins: () => Promise<readonly PushOrigin[]>;
  /** Told which origins showed live streams (still in use), after each listing; best effort. */
  onListed?: (origins: readonly PushOrigin[]) => Promise<unknown>;
  /** Within [10, 300000] (the current doc's range). Default 300000: one call per origin (TENCENT_ONLINE_LIST_PAGE_SIZE). */
  pageSize?: number;
  /** Pages per origin before giving up. */
  maxPages?: number;
  /** Told why an origin, or the whole listing, could not be read (no secrets in it). */
  onUnavailable?: (reason: string) => void;
}

/** The online list read from the API; `null` when no origin could be read (or none is known). */
export function onlineList(options: OnlineListOptions): OnlineList {
  const pageSize = options.pageSize ?? ONLINE_LIST_PAGE_SIZE.max;
  if (
    !Number.isInteger(pageSize) ||
    pageSize < ONLINE_LIST_PAGE_SIZE.min ||
    pageSize > ONLINE_LIST_PAGE_SIZE.max
  ) {
    throw new RangeError(
      `pageSize must be an integer in [${ONLINE_LIST_PAGE_SIZE.min}, ${ONLINE_LIST_PAGE_SIZE.max}] (got ${pageSize})`,
    );
  }
  // The doc's ceiling is 20,000 streams; a page more in case the total moves while paging.
  const maxPages = options.maxPages ?? Math.ceil(20_000 / pageSize) + 1;
  const unavailable = (reason: string): null => {
    options.onUnavailable?.(reason);
    return null;
  };

  /** One page; a string says why it could not be read. */
  async function readPage(origin: PushOrigin, page: number) {
    const request: DescribeLiveStreamOnlineListRequest = {
      DomainName: origin.domain,
      AppName: origin.appName,
      PageNum: page,
      PageSize: pageSize,
    };
    const result = await options.client.call(
      API3.actions.onlineList,
      request,
      describeLiveStreamOnlineListResponseSchema,
    );
    if (result.kind === 'error') return `${result.error.Code} ${result.error.Message}`;
    if (result.kind === 'transport') return result.code;
    return result.data.Response;
  }

  /**
   * Every page of one origin: one, normally. Streams that start or stop between two pages shift the
   * others across page boundaries, so a read whose total moved (or whose pages do not add up to it)
   * is done again once, then given up: a stream skipped that way would look gone.
   */
  async function readOrigin(origin: PushOrigin): Promise<string[] | string> {
    let why = '';
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      const names: string[] = [];
      let total: number | undefined;
      let consistent = true;
      for (let page = 1; ; page += 1) {
        if (page > maxPages) return `more than ${maxPages} pages`;
        const answer = await readPage(origin, page);
        if (typeof answer === 'string') return answer;
        total ??= answer.TotalNum;
        if (answer.TotalNum !== total) consistent = false;
        for (const info of answer.OnlineInfo) {
          // The filter is the platform's; a stream of another origin is not this one's to vouch for.
          if (
            info.DomainName.toLowerCase() === origin.domain.toLowerCase() &&
            info.AppName === origin.appName
          ) {
            names.push(info.StreamName);
          }
        }
        if (answer.OnlineInfo.length === 0 || page >= answer.TotalPage) {
          if (consistent && page > 1 && new Set(names).size < total) consistent = false;
          break;
        }
      }
      if (consistent) return names;
      why = 'the list changed while it was being read';
    }
    return why;
  }

  return {
    async liveStreams() {
      let asked: readonly PushOrigin[];
      try {
        asked = await options.origins();
      } catch (error) {
        return unavailable(
          `the push origins could not be read: ${error instanceof Error ? error.message : error}`,
        );
      }
      // Without a known origin there is nothing to ask about, which is not the same as "nothing is
      // live". It is the normal state before the first callback, so it is not reported either.
      if (asked.length === 0) return null;
      const reads = await Promise.all(asked.map(readOrigin));
      const streams = new Set<string>();
      const origins = new Set<string>();
      const inUse: PushOrigin[] = [];
      reads.forEach((read, i) => {
        const origin = asked[i]!;
        if (typeof read === 'string') {
          options.onUnavailable?.(`${pushOriginKey(origin)}: ${read}`);
          return;
        }
        origins.add(pushOriginKey(origin));
        for (const name of read) streams.add(name);
        if (read.length) inUse.push(origin);
      });
      if (origins.size === 0) return null;
      await options.onListed?.(inUse).catch(() => {});
      return { streams, origins, complete: origins.size === asked.length };
    },
  };
}

/** Where the origins to ask about come from besides the configuration: those learned from callbacks. */
export interface LearnedOrigins {
  list(): Promise<readonly PushOrigin[]>;
  /** Marks origins as still in use (src/rooms/push-origins.ts). */
  touch(origins: readonly PushOrigin[]): Promise<unknown>;
}

/**
 * The online list the configuration allows: Cloud API 3.0 credentials are needed (whichever mix
 * backend runs); without them, `undefined`, and the resync trusts callbacks alone. It asks about
 * the origins of TENCENT_PUSH_DOMAINS, and those learned from callbacks.
 */
export function createOnlineList(
  config: Pick<
    Config,
    | 'TENCENT_SECRET_ID'
    | 'TENCENT_SECRET_KEY'
    | 'TENCENT_API_URL'
    | 'MIX_REQUEST_TIMEOUT_MS'
    | 'TENCENT_PUSH_DOMAINS'
    | 'TENCENT_ONLINE_LIST_PAGE_SIZE'
  >,
  learned: LearnedOrigins,
  extra: Partial<Pick<OnlineListOptions, 'onUnavailable'>> & Pick<Api3ClientOptions, 'now'> = {},
): OnlineList | undefined {
  const { TENCENT_SECRET_ID: secretId, TENCENT_SECRET_KEY: secretKey } = config;
  if (secretId === undefined || secretKey === undefined) return undefined;
  const client = api3Client({
    url: config.TENCENT_API_URL,
    secretId,
    secretKey,
    timeoutMs: config.MIX_REQUEST_TIMEOUT_MS,
    ...(extra.now ? { now: extra.now } : {}),
  });
  const configured = config.TENCENT_PUSH_DOMAINS ?? [];
  return onlineList({
    client,
    async origins() {
      const all = new Map(configured.map((origin) => [pushOriginKey(origin), origin]));
      for (const origin of await learned.list()) {
        if (!all.has(pushOriginKey(origin))) all.set(pushOriginKey(origin), origin);
      }
      return [...all.values()];
    },
    onListed: (origins) => learned.touch(origins),
    pageSize: config.TENCENT_ONLINE_LIST_PAGE_SIZE,
    ...(extra.onUnavailable ? { onUnavailable: extra.onUnavailable } : {}),
  });
}

/** What the online list says of one stream: live, not live, or nothing (it could not be read). */
export type StreamListing = 'listed' | 'unlisted' | { unavailable: string };

/**
 * Asks the platform whether one stream is live now, by name, under its push origin
 * (DescribeLiveStreamOnlineList filtered by DomainName, AppName and StreamName): what the reconcile
 * checks a new stream against before mixing it (VERIFY_NEW_STREAMS), since a push callback's body
 * is not signed.
 */
export interface StreamVerifier {
  listing(origin: PushOrigin, streamName: string): Promise<StreamListing>;
}

export function streamVerifier(client: Api3Client): StreamVerifier {
  return {
    async listing(origin, streamName) {
      const request: DescribeLiveStreamOnlineListRequest = {
        DomainName: origin.domain,
        AppName: origin.appName,
        StreamName: streamName,
        PageNum: 1,
        PageSize: ONLINE_LIST_PAGE_SIZE.min,
      };
      const result = await client.call(
        API3.actions.onlineList,
        request,
        describeLiveStreamOnlineListResponseSchema,
      );
      if (result.kind === 'error') return { unavailable: `${result.error.Code} ${result.error.Message}` };
      if (result.kind === 'transport') return { unavailable: result.code };
      const listed = result.data.Response.OnlineInfo.some(
        (info) =>
          info.StreamName === streamName &&
          info.DomainName.toLowerCase() === origin.domain.toLowerCase() &&
          info.AppName === origin.appName,
      );
      return listed ? 'listed' : 'unlisted';
    },
  };
}

/** The verifier the configuration asks for: VERIFY_NEW_STREAMS with the Cloud API 3.0 keys; else none. */
export function createStreamVerifier(
  config: Pick<
    Config,
    | 'VERIFY_NEW_STREAMS'
    | 'TENCENT_SECRET_ID'
    | 'TENCENT_SECRET_KEY'
    | 'TENCENT_API_URL'
    | 'MIX_REQUEST_TIMEOUT_MS'
  >,
  extra: Pick<Api3ClientOptions, 'now'> = {},
): StreamVerifier | undefined {
  const { TENCENT_SECRET_ID: secretId, TENCENT_SECRET_KEY: secretKey } = config;
  if (!config.VERIFY_NEW_STREAMS || secretId === undefined || secretKey === undefined) return undefined;
  return streamVerifier(
    api3Client({
      url: config.TENCENT_API_URL,
      secretId,
      secretKey,
      timeoutMs: config.MIX_REQUEST_TIMEOUT_MS,
      ...(extra.now ? { now: extra.now } : {}),
    }),
  );
}
