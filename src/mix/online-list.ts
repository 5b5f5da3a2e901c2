import type { Config } from '../config.js';
import { API3 } from '../tencent/api3/envelope.js';
import {
  type DescribeLiveStreamOnlineListRequest,
  describeLiveStreamOnlineListResponseSchema,
  ONLINE_LIST_PAGE_SIZE,
} from '../tencent/api3/online-list.js';
import { type Api3Client, type Api3ClientOptions, api3Client } from './api3-client.js';

/**
 * The platform's own list of live streams (`DescribeLiveStreamOnlineList`), read for every push
 * domain and AppName mixkeeper has seen in callbacks, page by page. It is what the resync trusts
 * over callbacks (it repairs lost disconnects and forged pushes), so it answers all or nothing:
 * if any page cannot be read, `null` — "could not ask" — never a partial set that would make
 * live streams look gone. Structurally a `LiveTruth` (src/reconcile/live-truth.ts).
 */

export interface PushOriginLike {
  domain: string;
  appName: string;
}

export interface OnlineListOptions {
  client: Api3Client;
  /** The (domain, AppName) pairs to ask about, read afresh for every listing. */
  origins: () => Promise<readonly PushOriginLike[]>;
  /** Within [10, 100], the range both Tencent's SDK and its current doc accept. Default 100. */
  pageSize?: number;
  /** Pages per origin before giving up (the platform lists at most 20,000 streams). */
  maxPages?: number;
  /** Told why a listing came back `null` (no secrets in it), except before any origin is known. */
  onUnavailable?: (reason: string) => void;
}

export interface OnlineList {
  /** Stream names live now under the known origins; `null` when that cannot be told. */
  liveStreams(): Promise<ReadonlySet<string> | null>;
}

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
  const maxPages = options.maxPages ?? Math.ceil(20_000 / pageSize) + 1;
  const unavailable = (reason: string): null => {
    options.onUnavailable?.(reason);
    return null;
  };

  /** One page; a string says why it could not be read. */
  async function readPage(origin: PushOriginLike, page: number) {
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
   * Every page of one origin. Streams that start or stop between two pages shift the others across
   * page boundaries, so a read whose total moved (or whose pages do not add up to it) is done again
   * once, then given up: a stream skipped that way would look gone.
   */
  async function readOrigin(origin: PushOriginLike): Promise<string[] | string> {
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
      let origins: readonly PushOriginLike[];
      try {
        origins = await options.origins();
      } catch (error) {
        return unavailable(
          `the push origins could not be read: ${error instanceof Error ? error.message : error}`,
        );
      }
      // Without a known origin there is nothing to ask about, which is not the same as "nothing is
      // live". It is the normal state before the first callback, so it is not reported either.
      if (origins.length === 0) return null;
      const live = new Set<string>();
      for (const origin of origins) {
        const read = await readOrigin(origin);
        if (typeof read === 'string') return unavailable(`${origin.domain}/${origin.appName}: ${read}`);
        for (const name of read) live.add(name);
      }
      return live;
    },
  };
}

/**
 * The online list the configuration allows: Cloud API 3.0 credentials are needed (whichever mix
 * backend runs); without them, `undefined`, and the resync trusts callbacks alone.
 */
export function createOnlineList(
  config: Pick<
    Config,
    'TENCENT_SECRET_ID' | 'TENCENT_SECRET_KEY' | 'TENCENT_API_URL' | 'MIX_REQUEST_TIMEOUT_MS'
  >,
  origins: OnlineListOptions['origins'],
  extra: Partial<Pick<OnlineListOptions, 'pageSize' | 'onUnavailable'>> & Pick<Api3ClientOptions, 'now'> = {},
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
  return onlineList({
    client,
    origins,
    ...(extra.pageSize !== undefined ? { pageSize: extra.pageSize } : {}),
    ...(extra.onUnavailable ? { onUnavailable: extra.onUnavailable } : {}),
  });
}
