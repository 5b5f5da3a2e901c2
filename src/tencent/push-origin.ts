/**
 * A push origin: the (push domain, AppName) pair of a push URL `rtmp://<domain>/<AppName>/<stream>`
 * (reference §7), named by callbacks as `app` / `appname`. DescribeLiveStreamOnlineList filters by
 * both (§6.4), so the online list is read per origin.
 */
export interface PushOrigin {
  /** Push domain, the callback's `app`. */
  domain: string;
  /** Push path, the callback's `appname`; `live` unless the account uses others. */
  appName: string;
}

/** Host names (letters, digits, dots, hyphens) and AppNames (letters, digits, `_`, `-`, `.`). */
const DOMAIN_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;
const APP_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,128}$/;

/** Well-formed: callback bodies are not covered by their signature, so their origins are checked. */
export function isPushOrigin(origin: PushOrigin): boolean {
  return DOMAIN_PATTERN.test(origin.domain) && APP_NAME_PATTERN.test(origin.appName);
}

/** `domain/appname`, the domain lower-cased (it is case-insensitive); `/` occurs in neither part. */
export function pushOriginKey(origin: PushOrigin): string {
  return `${origin.domain.toLowerCase()}/${origin.appName}`;
}

/** The origin a key names, or `undefined` for a malformed one. */
export function parsePushOriginKey(key: string): PushOrigin | undefined {
  const slash = key.indexOf('/');
  const origin = { domain: key.slice(0, slash), appName: key.slice(slash + 1) };
  return slash > 0 && isPushOrigin(origin) ? origin : undefined;
}
