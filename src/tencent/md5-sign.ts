import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Tencent's legacy signature: `md5(key + t)` in lower-case hex, where `t` is the decimal expiry
 * in Unix seconds. Used by push/disconnect callbacks and by the Mix_StreamV2 CGI query.
 */
export function md5Sign(key: string, t: number | string): string {
  return createHash('md5').update(`${key}${t}`).digest('hex');
}

/** The last expected sign: callbacks of the same second share `t`, so most checks hit it. */
let lastExpected = { key: '', t: '', sign: Buffer.alloc(0) };

function expectedSign(key: string, t: number | string): Buffer {
  const tText = String(t);
  if (lastExpected.key !== key || lastExpected.t !== tText) {
    lastExpected = { key, t: tText, sign: Buffer.from(md5Sign(key, tText), 'utf8') };
  }
  return lastExpected.sign;
}

/** Constant-time comparison of a received sign with the expected one (case-insensitive hex). */
export function signMatches(key: string, t: number | string, sign: string): boolean {
  const expected = expectedSign(key, t);
  const received = Buffer.from(sign.toLowerCase(), 'utf8');
  // Compare a same-length buffer either way, so a wrong length costs the same time as a wrong byte.
  const comparable = received.length === expected.length ? received : Buffer.alloc(expected.length);
  return timingSafeEqual(comparable, expected) && received.length === expected.length;
}

export type SignCheck = 'ok' | 'bad-sign' | 'expired' | 'too-far-ahead';

/** The callback template's validity (Tencent's default: 10 min) and the clock drift allowed, in seconds. */
export interface SignWindow {
  validitySeconds: number;
  skewSeconds: number;
}

export const DEFAULT_SIGN_WINDOW: SignWindow = { validitySeconds: 600, skewSeconds: 30 };

/**
 * Verifies `(t, sign)`: the sign must match one of `keys` (the current key first; a second one
 * while a rotation is under way), and `t` is an expiry: it must not lie further in the past than
 * `skewSeconds` allows for clock drift between Tencent and us, nor further ahead than the template's
 * validity plus that drift. A `t` far ahead would keep its sign usable, by anyone who saw it, for as
 * long as it says.
 */
export function checkSign(
  keys: readonly string[],
  t: number,
  sign: string,
  nowMs: number,
  window: SignWindow = DEFAULT_SIGN_WINDOW,
): SignCheck {
  if (!keys.some((key) => signMatches(key, t, sign))) return 'bad-sign';
  const nowS = Math.floor(nowMs / 1000);
  if (t + window.skewSeconds < nowS) return 'expired';
  if (t > nowS + window.validitySeconds + window.skewSeconds) return 'too-far-ahead';
  return 'ok';
}
