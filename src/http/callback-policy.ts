import { createHash, timingSafeEqual } from 'node:crypto';
import type { CallbackPolicy } from '../config.js';
import type { LiveEvent } from '../tencent/callback.js';
import { type EventTimeWindow, eventTimeWindow } from '../tencent/callback.js';
import type { SignWindow } from '../tencent/md5-sign.js';

/**
 * What the receiver holds a callback to besides its sign (docs/SECURITY.md): the sign is md5(key + t)
 * and covers no body, so whoever saw one signed callback can send any body until its `t`. These
 * rules bound what such a body can do. Pure: the receiver (src/http/callbacks.ts) applies them.
 */
export interface CallbackRules {
  /** `t` must lie within the template's validity (plus skew) of now. */
  signWindow: SignWindow;
  /** An `event_time` outside it is replaced by the receive time. */
  eventTimeWindow: EventTimeWindow;
  /** Whether a request's path token (`/callbacks/tencent/<token>`) is the configured one. */
  pathTokenMatches(given: string | undefined): boolean;
  /** Why an authentic event is not mixkeeper's to take (outside the allow-lists), if it is not. */
  notAllowed(event: Pick<LiveEvent, 'domain' | 'appName' | 'params'>): NotAllowed | undefined;
}

export type NotAllowed = 'domain' | 'appname' | 'room';

export function callbackRules(policy: CallbackPolicy): CallbackRules {
  const { CALLBACK_VALIDITY_S: validitySeconds, CALLBACK_CLOCK_SKEW_S: skewSeconds } = policy;
  const domains = policy.CALLBACK_ALLOWED_DOMAINS && new Set(policy.CALLBACK_ALLOWED_DOMAINS.map(lower));
  const appNames = policy.CALLBACK_ALLOWED_APPNAMES && new Set(policy.CALLBACK_ALLOWED_APPNAMES);
  const prefix = policy.ROOM_ID_PREFIX;
  const token = policy.CALLBACK_PATH_TOKEN;
  const tokenDigest = token === undefined ? undefined : digest(token);
  return {
    signWindow: { validitySeconds, skewSeconds },
    eventTimeWindow: eventTimeWindow(validitySeconds, skewSeconds),
    pathTokenMatches(given) {
      if (tokenDigest === undefined) return given === undefined;
      // Digests of both: equal lengths for timingSafeEqual, so neither length nor content leaks.
      return given !== undefined && timingSafeEqual(digest(given), tokenDigest);
    },
    notAllowed(event) {
      if (domains && !domains.has(lower(event.domain))) return 'domain';
      if (appNames && !appNames.has(event.appName)) return 'appname';
      if (prefix !== undefined && !(event.params.mix_room ?? '').startsWith(prefix)) return 'room';
      return undefined;
    },
  };
}

const lower = (s: string) => s.toLowerCase();
const digest = (s: string) => createHash('sha256').update(s).digest();
