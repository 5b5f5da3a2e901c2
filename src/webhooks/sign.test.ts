import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, test } from 'vitest';
import { signatureHeaders } from './sign.js';

const secret = () => `whsec_${randomBytes(32).toString('base64')}`;
const body = JSON.stringify({
  id: 'evt_1',
  type: 'mix.started',
  timestamp: '2026-12-02T00:00:00.000Z',
  data: {},
});

describe('signatureHeaders: the Standard Webhooks scheme', () => {
  test('a receiver verifies a delivery with the standardwebhooks package', () => {
    const key = secret();
    const headers = signatureHeaders('evt_1', body, [key], new Date());
    expect(headers['webhook-id']).toBe('evt_1');
    expect(new Webhook(key).verify(body, headers)).toEqual(JSON.parse(body));
  });

  test('during a rotation each secret signs: receivers holding the new or the old one both verify', () => {
    const [current, previous, other] = [secret(), secret(), secret()];
    const headers = signatureHeaders('evt_1', body, [current, previous], new Date());
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(current).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(previous).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(other).verify(body, headers)).toThrow(/No matching signature/);
  });

  test('a changed body or id does not verify', () => {
    const key = secret();
    const headers = signatureHeaders('evt_1', body, [key], new Date());
    expect(() => new Webhook(key).verify(body.replace('started', 'ended'), headers)).toThrow();
    expect(() => new Webhook(key).verify(body, { ...headers, 'webhook-id': 'evt_2' })).toThrow();
  });
});
