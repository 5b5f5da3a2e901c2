import type { Queue } from 'bullmq';
import type { Hono } from 'hono';
import { callbackPolicySchema } from '../config.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { createCallbackBatcher } from '../queue/callback-batcher.js';
import {
  callbackEnvelopeSchema,
  EVENT_TYPE,
  type LiveEvent,
  parseCallbackJson,
  streamCallbackSchema,
  toLiveEvent,
} from '../tencent/callback.js';
import { checkSign } from '../tencent/md5-sign.js';
import { type BadSignLimiter, clientAddress } from './bad-sign-limiter.js';
import { readBodyWithin } from './callback-body.js';
import { type CallbackRules, callbackRules } from './callback-policy.js';
import { problem } from './problem.js';

export const CALLBACK_BODY_LIMIT = 16 * 1024;

export interface CallbackDeps {
  /** TENCENT_CALLBACK_KEY */
  callbackKey: string;
  /** TENCENT_CALLBACK_KEY_PREVIOUS: still accepted while a key rotation is under way. */
  previousCallbackKey?: string | undefined;
  eventsQueue: Queue<LiveEvent>;
  /** CALLBACK_BATCH_WINDOW_MS: callbacks arriving this close together are stored in one write. */
  batchWindowMs?: number;
  now: () => number;
  metrics: Metrics;
  /** Budget of wrong signs per client address; absent: none. */
  badSign?: { limiter: BadSignLimiter; clientIpHeader: string | undefined; log: Logger };
  /** `t`'s window, the `event_time` clamp, the path token, the allow-lists; absent: the defaults, none. */
  rules?: CallbackRules;
}

/**
 * `POST /callbacks/tencent` (or `/callbacks/tencent/<token>` when CALLBACK_PATH_TOKEN is set):
 * authenticate, validate, enqueue, and only then answer `{"code":0}`. Anything Tencent should retry
 * gets a non-200; anything a retry cannot fix gets a 200 or a 4xx.
 */
export function registerCallbacks(app: Hono, deps: CallbackDeps): void {
  // One child counter per outcome, looked up once: `inc({ outcome })` hashes the labels every time.
  const counters = new Map<string, { inc(): void }>();
  const count = (outcome: string) => {
    let counter = counters.get(outcome);
    if (!counter) {
      counter = deps.metrics.callbacks.labels({ outcome });
      counters.set(outcome, counter);
    }
    counter.inc();
  };
  const batcher = createCallbackBatcher(deps.eventsQueue, { windowMs: deps.batchWindowMs ?? 0 });
  const keys = deps.previousCallbackKey ? [deps.callbackKey, deps.previousCallbackKey] : [deps.callbackKey];
  const rules = deps.rules ?? callbackRules(callbackPolicySchema.parse({}));
  app.post('/callbacks/tencent/:token?', async (c) => {
    const receivedAt = deps.now();
    if (!rules.pathTokenMatches(c.req.param('token'))) {
      count('unauthorized');
      c.header('Connection', 'close');
      return problem(c, 'unauthorized', 'the signature is not valid');
    }
    const text = await readBodyWithin(c, CALLBACK_BODY_LIMIT);
    if (text === 'too-large') {
      count('too_large');
      c.header('Connection', 'close');
      return problem(c, 'too_large', `the body exceeds ${CALLBACK_BODY_LIMIT} bytes`);
    }
    let body: unknown;
    try {
      body = parseCallbackJson(text);
    } catch {
      count('bad_request');
      return problem(c, 'bad_request', 'the body is not JSON');
    }
    const envelope = callbackEnvelopeSchema.safeParse(body);
    if (!envelope.success) {
      count('bad_request');
      return problem(c, 'bad_request', 'the body lacks t, sign or event_type');
    }
    const { t, sign, event_type } = envelope.data;
    const check = checkSign(keys, t, sign, receivedAt, rules.signWindow);
    if (check === 'bad-sign' && deps.badSign) {
      const client = clientAddress(c, deps.badSign.clientIpHeader);
      const verdict = deps.badSign.limiter.recordFailure(client);
      if (verdict.firstOverLimit) {
        deps.badSign.log.warn({ client }, 'callbacks with a wrong sign over the budget: answering 429');
      }
      if (verdict.limited) {
        count('rate_limited');
        c.header('Retry-After', String(Math.max(1, Math.ceil(verdict.retryAfterMs / 1000))));
        return problem(c, 'rate_limited', 'too many callbacks with a wrong signature; retry later');
      }
    }
    if (check !== 'ok') {
      count('unauthorized');
      return problem(c, 'unauthorized', 'the signature is not valid');
    }
    if (event_type !== EVENT_TYPE.push && event_type !== EVENT_TYPE.disconnect) {
      count('ignored');
      return c.json({ code: 0 });
    }
    const parsed = streamCallbackSchema.safeParse(body);
    if (!parsed.success) {
      count('bad_request');
      const field = parsed.error.issues[0]?.path.join('.') ?? 'body';
      return problem(c, 'bad_request', `invalid field: ${field}`);
    }
    const event = toLiveEvent(parsed.data, receivedAt, rules.eventTimeWindow);
    const notAllowed = rules.notAllowed(event);
    if (notAllowed) {
      // 200: a retry would not change the answer. Counted, so a wrong allow-list shows.
      count('not_allowed');
      return c.json({ code: 0 });
    }
    try {
      await batcher.enqueue(event);
    } catch {
      count('unavailable');
      return problem(c, 'unavailable', 'the event could not be stored; retry later');
    }
    count(event.unmixable ? 'unmixable' : 'enqueued');
    return c.json({ code: 0 });
  });
}
