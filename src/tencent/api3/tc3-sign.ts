import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * TC3-HMAC-SHA256, Cloud API 3.0's request signature (reference §6.6). Pure: the timestamp comes
 * in as an argument. The client signs with it; the simulator verifies with the same steps.
 */

export const TC3_ALGORITHM = 'TC3-HMAC-SHA256';

export interface Tc3Input {
  secretId: string;
  secretKey: string;
  /** The product, e.g. `live`: part of the credential scope and of the key derivation. */
  service: string;
  /** `X-TC-Timestamp`, Unix seconds. */
  timestamp: number;
  /** The headers to sign, as sent (names in any case). Cloud API 3.0 needs at least content-type and host. */
  headers: Readonly<Record<string, string>>;
  /** The body, exactly the bytes sent. */
  payload: string;
}

export interface Tc3Signature {
  /** The `Authorization` header value. */
  authorization: string;
  signature: string;
  /** `YYYY-MM-DD/<service>/tc3_request` */
  credentialScope: string;
  /** `content-type;host` */
  signedHeaders: string;
  hashedPayload: string;
  canonicalRequest: string;
  hashedCanonicalRequest: string;
  stringToSign: string;
}

const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer =>
  createHmac('sha256', key).update(data, 'utf8').digest();

/** UTC `YYYY-MM-DD` of a Unix-seconds timestamp: the credential scope's date. */
export function tc3Date(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

/**
 * The signing key, derived by three HMACs from the secret key, the date and the service. It only
 * changes with the UTC date, so the last one derived is kept (one entry: one key in use at a time).
 */
let lastKey: { secretKey: string; date: string; service: string; key: Buffer } | undefined;

function signingKey(secretKey: string, date: string, service: string): Buffer {
  if (lastKey?.secretKey === secretKey && lastKey.date === date && lastKey.service === service) {
    return lastKey.key;
  }
  const kDate = hmac(`TC3${secretKey}`, date);
  const kService = hmac(kDate, service);
  const key = hmac(kService, 'tc3_request');
  lastKey = { secretKey, date, service, key };
  return key;
}

export function tc3Sign(input: Tc3Input): Tc3Signature {
  // Canonical headers: names and values lower-cased and trimmed, sorted by name, each line ending in \n.
  const headers = Object.entries(input.headers)
    .map(([name, value]) => [name.trim().toLowerCase(), value.trim().toLowerCase()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonicalHeaders = headers.map(([name, value]) => `${name}:${value}\n`).join('');
  const signedHeaders = headers.map(([name]) => name).join(';');
  const hashedPayload = sha256Hex(input.payload);
  // POST to `/` with an empty query string.
  const canonicalRequest = ['POST', '/', '', canonicalHeaders, signedHeaders, hashedPayload].join('\n');
  const hashedCanonicalRequest = sha256Hex(canonicalRequest);

  const date = tc3Date(input.timestamp);
  const credentialScope = `${date}/${input.service}/tc3_request`;
  const stringToSign = [TC3_ALGORITHM, String(input.timestamp), credentialScope, hashedCanonicalRequest].join(
    '\n',
  );
  const signature = createHmac('sha256', signingKey(input.secretKey, date, input.service))
    .update(stringToSign, 'utf8')
    .digest('hex');

  return {
    authorization: `${TC3_ALGORITHM} Credential=${input.secretId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    signature,
    credentialScope,
    signedHeaders,
    hashedPayload,
    canonicalRequest,
    hashedCanonicalRequest,
    stringToSign,
  };
}

/** The parts of an `Authorization` header, as a verifier needs them. */
export interface Tc3Authorization {
  secretId: string;
  date: string;
  service: string;
  /** Lower-case header names. */
  signedHeaders: string[];
  signature: string;
}

const AUTHORIZATION_PATTERN =
  /^TC3-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{4}-\d{2}-\d{2})\/([^/\s,]+)\/tc3_request, *SignedHeaders=([a-z0-9;-]+), *Signature=([0-9a-f]{64})$/i;

/** Reads a TC3 `Authorization` header; `null` when it is not one. */
export function parseTc3Authorization(header: string): Tc3Authorization | null {
  const match = AUTHORIZATION_PATTERN.exec(header.trim());
  if (!match) return null;
  const [, secretId, date, service, signedHeaders, signature] = match;
  if (!secretId || !date || !service || !signedHeaders || !signature) return null;
  return {
    secretId,
    date,
    service,
    signedHeaders: signedHeaders.toLowerCase().split(';'),
    signature: signature.toLowerCase(),
  };
}

/** Constant-time comparison of two hex signatures. */
export function signaturesMatch(expected: string, received: string): boolean {
  const a = Buffer.from(expected.toLowerCase(), 'utf8');
  const b = Buffer.from(received.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
