import { parseTc3Authorization, signaturesMatch, tc3Date, tc3Sign } from '../../tencent/api3/tc3-sign.js';
import type { Api3Error } from './errors.js';

/**
 * TC3-HMAC-SHA256 verification, as Cloud API 3.0 does it (reference §6.6): the SecretId must be
 * known, `X-TC-Timestamp` within 5 minutes, the credential scope's date that timestamp's, and the
 * signature over the signed headers and the body must match. The signer itself is the one proven
 * by the official test vector (src/tencent/api3/tc3-sign.ts).
 *
 * Two leniencies the real API grants the official Node SDK (reference §6.7), which signs what its
 * endpoint says rather than what it sends: the service in the credential scope may be `live` or
 * the first label of the Host header (`127` for a simulator on 127.0.0.1), and the signed `host`
 * may be the Host header with or without its port (the SDK signs `127.0.0.1` and sends
 * `127.0.0.1:<port>`).
 */

export interface Api3Credentials {
  secretId: string;
  secretKey: string;
}

export interface SignedCall {
  /** A request header by lower-case name. */
  header(name: string): string | undefined;
  body: string;
}

const MAX_CLOCK_SKEW_S = 300;
const REQUIRED_SIGNED = ['content-type', 'host'];

/** `null` when the call is authentic, else the AuthFailure to answer. */
export function verifyTc3(
  call: SignedCall,
  credentials: Api3Credentials | undefined,
  nowMs: number,
): Api3Error | null {
  const auth = parseTc3Authorization(call.header('authorization') ?? '');
  if (!auth) {
    return {
      Code: 'AuthFailure.InvalidAuthorization',
      Message: 'The Authorization header is not a TC3-HMAC-SHA256 authorization.',
    };
  }
  if (!credentials || auth.secretId !== credentials.secretId) {
    return { Code: 'AuthFailure.SecretIdNotFound', Message: 'The SecretId is not found.' };
  }
  const timestamp = Number(call.header('x-tc-timestamp'));
  if (!Number.isInteger(timestamp) || timestamp <= 0) {
    return {
      Code: 'AuthFailure.InvalidAuthorization',
      Message: 'X-TC-Timestamp is missing or not Unix seconds.',
    };
  }
  const skew = Math.abs(timestamp - Math.floor(nowMs / 1000));
  if (skew > MAX_CLOCK_SKEW_S) {
    return {
      Code: 'AuthFailure.SignatureExpire',
      Message: `X-TC-Timestamp is ${skew} s away from the server time (at most ${MAX_CLOCK_SKEW_S} s).`,
    };
  }
  const failure = (why: string): Api3Error => ({
    Code: 'AuthFailure.SignatureFailure',
    Message: `The provided credentials could not be validated: ${why}.`,
  });
  if (auth.date !== tc3Date(timestamp))
    return failure('the credential date is not the date of X-TC-Timestamp');
  const host = call.header('host') ?? '';
  const hostLabel = host.split('.')[0] ?? '';
  if (auth.service !== 'live' && auth.service !== hostLabel) {
    return failure(`the credential service ${JSON.stringify(auth.service)} is not live`);
  }
  const missing = REQUIRED_SIGNED.find((name) => !auth.signedHeaders.includes(name));
  if (missing) return failure(`${missing} is not among the signed headers`);
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) headers[name] = call.header(name) ?? '';
  const matches = hostsSigned(host).some((signedHost) => {
    const expected = tc3Sign({
      secretId: auth.secretId,
      secretKey: credentials.secretKey,
      service: auth.service,
      timestamp,
      headers: { ...headers, host: signedHost },
      payload: call.body,
    });
    return signaturesMatch(expected.signature, auth.signature);
  });
  return matches ? null : failure('the signature does not match');
}

/** The Host header as sent, then without its port if it has one (`[::1]:80` → `[::1]`). */
function hostsSigned(host: string): string[] {
  const bare = host.replace(/:\d+$/, '');
  return bare === host ? [host] : [host, bare];
}
