import { Webhook } from 'standardwebhooks';

/**
 * Standard Webhooks headers for one delivery: `webhook-id`, `webhook-timestamp` (this attempt's
 * time, as the scheme wants) and `webhook-signature`, one `v1,…` per secret, space-separated. Two
 * secrets during a rotation: a receiver holding either verifies, so a rotation has no gap.
 */
export function signatureHeaders(
  eventId: string,
  body: string,
  secrets: readonly string[],
  now: Date,
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const signatures = secrets.map((secret) => new Webhook(secret).sign(eventId, now, body));
  return {
    'webhook-id': eventId,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
