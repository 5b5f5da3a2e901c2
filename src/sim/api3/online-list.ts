import type { Api3Error } from './errors.js';

/**
 * `DescribeLiveStreamOnlineList` from the simulated ingest's live streams (reference §6.4): filtered
 * by push domain, AppName (default `live`) and exact stream name, paged. Validated here, from the
 * platform's side, not with the client's schema.
 */

export interface OnlineStream {
  streamId: string;
  domain: string;
  appName: string;
  /** Unix ms. */
  pushedAt: number;
}

/**
 * The current doc's range (reference §6.4): "pass a size larger than the total so one call returns
 * everything". A size outside it is refused with InvalidParameter (both InvalidParameter and
 * InvalidParameterValue are listed for this action; which one a bad PageSize gets is not documented).
 */
const PAGE_SIZE = { min: 10, max: 300_000, default: 10 } as const;
const KNOWN = ['DomainName', 'AppName', 'PageNum', 'PageSize', 'StreamName'];

export interface OnlineListPage {
  TotalNum: number;
  TotalPage: number;
  PageNum: number;
  PageSize: number;
  OnlineInfo: {
    StreamName: string;
    AppName: string;
    DomainName: string;
    PublishTimeList: { PublishTime: string }[];
    PushToDelay: number;
  }[];
}

export function describeOnlineList(
  text: string,
  streams: readonly OnlineStream[],
): { ok: true; page: OnlineListPage } | { ok: false; error: Api3Error } {
  let body: unknown;
  try {
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    return { ok: false, error: { Code: 'InvalidParameter', Message: 'The body is not JSON.' } };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, error: { Code: 'InvalidParameter', Message: 'The body is not a JSON object.' } };
  }
  const params = body as Record<string, unknown>;
  const extra = Object.keys(params).find((key) => !KNOWN.includes(key));
  if (extra)
    return {
      ok: false,
      error: { Code: 'UnknownParameter', Message: `The parameter \`${extra}\` is not recognized.` },
    };

  // Every parameter is read; the first bad one is answered.
  const problems: Api3Error[] = [];
  const optionalText = (name: string): string | undefined => {
    const value = params[name];
    if (value === undefined || (typeof value === 'string' && value !== '')) return value;
    problems.push(invalid(name, 'a non-empty string'));
    return undefined;
  };
  const integer = (name: string, min: number, max: number, fallback: number, code?: string): number => {
    const value = params[name];
    if (value === undefined) return fallback;
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    problems.push(invalid(name, `an integer in [${min}, ${max}]`, code));
    return fallback;
  };
  const domain = optionalText('DomainName');
  const app = optionalText('AppName') ?? 'live';
  const streamName = optionalText('StreamName');
  const num = integer('PageNum', 1, Number.MAX_SAFE_INTEGER, 1);
  const size = integer('PageSize', PAGE_SIZE.min, PAGE_SIZE.max, PAGE_SIZE.default, 'InvalidParameter');
  const problem = problems[0];
  if (problem) return { ok: false, error: problem };

  const matching = streams
    .filter(
      (s) =>
        (domain === undefined || s.domain === domain) &&
        s.appName === app &&
        (streamName === undefined || s.streamId === streamName),
    )
    .sort((a, b) => a.pushedAt - b.pushedAt || a.streamId.localeCompare(b.streamId));
  return {
    ok: true,
    page: {
      TotalNum: matching.length,
      TotalPage: Math.ceil(matching.length / size),
      PageNum: num,
      PageSize: size,
      OnlineInfo: matching.slice((num - 1) * size, num * size).map((s) => ({
        StreamName: s.streamId,
        AppName: s.appName,
        DomainName: s.domain,
        PublishTimeList: [{ PublishTime: `${new Date(s.pushedAt).toISOString().slice(0, 19)}Z` }],
        PushToDelay: 0,
      })),
    },
  };
}

function invalid(name: string, what: string, code = 'InvalidParameterValue'): Api3Error {
  return { Code: code, Message: `The value of \`${name}\` must be ${what}.` };
}
