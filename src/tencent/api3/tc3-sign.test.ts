import { describe, expect, test } from 'vitest';
import { parseTc3Authorization, signaturesMatch, tc3Date, tc3Sign } from './tc3-sign.js';

// The official worked example (reference §6.6, CVM DescribeInstances); the asterisks and the
// `\u` escapes are literal text of the example.
const VECTOR = {
  secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******',
  secretKey: 'Gu5t9xGARNpq86cd98joQYCN3*******',
  service: 'cvm',
  timestamp: 1551113065,
  headers: { 'Content-Type': 'application/json; charset=utf-8', Host: 'cvm.tencentcloudapi.com' },
  payload: '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
};

describe('tc3Sign against the official test vector', () => {
  const signed = tc3Sign(VECTOR);

  test('hashes the payload', () => {
    expect(signed.hashedPayload).toBe('35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064');
  });
  test('hashes the canonical request', () => {
    expect(signed.canonicalRequest).toBe(
      'POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064',
    );
    expect(signed.hashedCanonicalRequest).toBe(
      '5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031',
    );
  });
  test('derives the signature and the Authorization header', () => {
    expect(tc3Date(VECTOR.timestamp)).toBe('2019-02-25');
    expect(signed.signature).toBe('2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c');
    expect(signed.authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c',
    );
  });
  test('any change to the body, time, service or key changes the signature', () => {
    for (const change of [
      { payload: `${VECTOR.payload} ` },
      { timestamp: VECTOR.timestamp + 1 },
      { service: 'live' },
      { secretKey: `${VECTOR.secretKey}x` },
    ]) {
      expect(tc3Sign({ ...VECTOR, ...change }).signature).not.toBe(signed.signature);
    }
  });
  test('the cached signing key follows the key, the date and the service', () => {
    const otherKey = tc3Sign({ ...VECTOR, secretKey: 'another' }).signature;
    const nextDay = tc3Sign({ ...VECTOR, timestamp: VECTOR.timestamp + 86_400 }).signature;
    expect(tc3Sign(VECTOR).signature).toBe(signed.signature);
    expect(tc3Sign(VECTOR).signature).toBe(signed.signature);
    expect(tc3Sign({ ...VECTOR, secretKey: 'another' }).signature).toBe(otherKey);
    expect(tc3Sign({ ...VECTOR, timestamp: VECTOR.timestamp + 86_400 }).signature).toBe(nextDay);
    expect(tc3Sign({ ...VECTOR, service: 'live' }).signature).not.toBe(signed.signature);
    expect(tc3Sign(VECTOR).signature).toBe(signed.signature);
  });
});

describe('parseTc3Authorization', () => {
  test('reads back what tc3Sign wrote', () => {
    const signed = tc3Sign(VECTOR);
    expect(parseTc3Authorization(signed.authorization)).toEqual({
      secretId: VECTOR.secretId,
      date: '2019-02-25',
      service: 'cvm',
      signedHeaders: ['content-type', 'host'],
      signature: signed.signature,
    });
  });
  test.each([
    '',
    'Bearer abc',
    'TC3-HMAC-SHA256 Credential=id/2019-02-25/cvm/tc3_request, SignedHeaders=host, Signature=short',
    `HMAC-SHA256 Credential=id/2019-02-25/cvm/tc3_request, SignedHeaders=host, Signature=${'a'.repeat(64)}`,
  ])('rejects %j', (header) => {
    expect(parseTc3Authorization(header)).toBeNull();
  });
});

test('signaturesMatch compares case-insensitively and rejects other lengths', () => {
  expect(signaturesMatch('abcd', 'ABCD')).toBe(true);
  expect(signaturesMatch('abcd', 'abce')).toBe(false);
  expect(signaturesMatch('abcd', 'abc')).toBe(false);
});
