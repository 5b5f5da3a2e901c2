import { z } from 'zod';

/**
 * `DescribeLiveStreamOnlineList` (reference §6.4): which streams are pushing now, paged, filtered by
 * push domain and AppName. Auxiliary by Tencent's own account ("do not rely on it in important
 * business scenarios"), and it carries no `sequence`: it tells which names are live, not which push.
 */

/**
 * Page size bounds of the current doc and SDKs (reference §6.4; older SDK comments and the intl
 * doc said 10–100). The doc asks for a size larger than the total, so one call returns everything.
 */
export const ONLINE_LIST_PAGE_SIZE = { min: 10, max: 300_000 } as const;

const describeLiveStreamOnlineListRequestSchema = z.strictObject({
  /** Push domain; needed on accounts with several. */
  DomainName: z.string().min(1).optional(),
  /** Push path; default `live`. */
  AppName: z.string().min(1).optional(),
  /** 1-based; default 1. */
  PageNum: z.number().int().min(1).optional(),
  /** Default 10. */
  PageSize: z.number().int().min(ONLINE_LIST_PAGE_SIZE.min).max(ONLINE_LIST_PAGE_SIZE.max).optional(),
  /** Exact-match filter. */
  StreamName: z.string().min(1).optional(),
});
export type DescribeLiveStreamOnlineListRequest = z.infer<typeof describeLiveStreamOnlineListRequestSchema>;

const streamOnlineInfoSchema = z.object({
  StreamName: z.string(),
  AppName: z.string(),
  DomainName: z.string(),
  /** UTC ISO times, e.g. `2018-06-29T19:00:00Z`. */
  PublishTimeList: z
    .array(z.object({ PublishTime: z.string() }))
    .nullish()
    .transform((list) => list ?? []),
  /** 1 = also pushed to delayed playback; may be null. */
  PushToDelay: z.number().int().nullish(),
});
export type StreamOnlineInfo = z.infer<typeof streamOnlineInfoSchema>;

export const describeLiveStreamOnlineListResponseSchema = z.object({
  Response: z.object({
    TotalNum: z.number().int().min(0),
    TotalPage: z.number().int().min(0),
    PageNum: z.number().int().min(0),
    PageSize: z.number().int().min(0),
    OnlineInfo: z
      .array(streamOnlineInfoSchema)
      .nullish()
      .transform((list) => list ?? []),
    RequestId: z.string(),
  }),
});
export type DescribeLiveStreamOnlineListResponse = z.infer<typeof describeLiveStreamOnlineListResponseSchema>;
