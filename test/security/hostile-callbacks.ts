import fc from 'fast-check';
import { md5Sign } from '../../src/tencent/md5-sign.js';

/**
 * Generated hostile callback bodies, each with the answers the receiver may give it. None of them
 * may become a job: they are broken JSON, wrong types, wrong signs, expired signs, signed events
 * of other kinds (acknowledged and dropped), or signed push/disconnect bodies with a field that
 * cannot be taken, or signed with a `t` too far ahead — dressed up with huge strings, unicode, deep nesting, numbers past 2^53 and
 * `__proto__` / `constructor` keys.
 */

export interface HostileBody {
  kind: string;
  /** The raw request body. */
  body: string;
  contentType: string;
  /** Statuses the receiver may answer. */
  allowed: readonly number[];
}

export interface HostileContext {
  key: string;
  /** The receiver's clock, Unix ms. */
  nowMs: number;
  /** The receiver's body limit, bytes. */
  bodyLimit: number;
}

const BAD_SIGN = [401, 429] as const;

/** A plausible push body, unsigned. */
function pushBody(nowS: number): Record<string, unknown> {
  return {
    app: 'push.example.com',
    appid: 1252500000,
    appname: 'live',
    stream_id: 'host_a',
    channel_id: 'host_a',
    event_time: nowS,
    event_type: 1,
    sequence: '2210464508206756938',
    stream_param: 'mix_room=r1&mix_role=main',
    errcode: 0,
    errmsg: 'ok',
    width: 540,
    height: 960,
  };
}

const unicode = fc.string({ unit: 'grapheme', maxLength: 64 });
const binaryish = fc.string({ unit: 'binary', maxLength: 64 });
const fieldName = fc.string({ unit: 'grapheme', maxLength: 12 });
/** Nested arrays/objects, up to 2400 levels (within the body limit): as text, cheaper to build so. */
const deepText = fc
  .tuple(fc.integer({ min: 50, max: 2400 }), fc.boolean())
  .map(([depth, objects]) =>
    objects ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`,
  );
const hugeString = (min: number, max: number) =>
  fc
    .tuple(fc.integer({ min, max }), fc.constantFrom('x', 'é', '𝄞', '\u0000', '"'))
    .map(([n, c]) => c.repeat(n));
/** JSON values of every type, some nasty. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2, depthSize: 'small' }),
  unicode,
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, 1e300, -1e300, 2 ** 64, -0, 1.5),
  fc.constant({ __proto__: { polluted: true } }),
);
/** Keys that must never reach an object's prototype. */
const protoKeys = fc.constantFrom(
  '"__proto__":{"polluted":true,"sign":"x"}',
  '"constructor":{"prototype":{"polluted":true}}',
  '"__proto__":[1,2,3]',
  '"prototype":{"polluted":true}',
);

/** Splices raw `"key":value` members into a JSON object text (JSON.stringify would drop `__proto__`). */
function withRaw(object: Record<string, unknown>, raw: string[]): string {
  const text = JSON.stringify(object);
  if (!raw.length) return text;
  return text === '{}' ? `{${raw.join(',')}}` : `{${raw.join(',')},${text.slice(1)}`;
}

/**
 * Signs that are wrong: random hex, blanks, unicode, binary, or — `mangle` — the right one with its
 * first character made non-hex (`wrongSign` applies it, and filters out an accidental match).
 */
const wrongSignDraw = fc.oneof(
  fc.stringMatching(/^[0-9a-f]{32}$/),
  fc.constantFrom('', '0'.repeat(32), 'null', 'mangle'),
  unicode.map((s) => s.slice(0, 40)),
  binaryish,
);

function wrongSign(ctx: HostileContext, t: number, draw: string): string | undefined {
  const right = md5Sign(ctx.key, t);
  const sign = draw === 'mangle' ? `G${right.slice(1)}` : draw;
  return sign.toLowerCase() === right || sign.length > 128 ? undefined : sign;
}

export function hostileBodyArb(ctx: HostileContext): fc.Arbitrary<HostileBody> {
  const nowS = Math.floor(ctx.nowMs / 1000);
  const validT = nowS + 600;
  // Within the template's validity (600 s) and the clock skew (30 s): the `t` a real callback has.
  const signedT = fc.integer({ min: nowS, max: nowS + 630 });
  const contentType = fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'application/x-www-form-urlencoded',
    '',
  );
  const make = (kind: string, allowed: readonly number[]) => (body: string) => ({ kind, body, allowed });

  const notJson = fc
    .oneof(
      unicode,
      binaryish,
      fc.constantFrom(
        '',
        '{',
        '}',
        '{"t":',
        'nul',
        '{"sign":"a",}',
        "{'t':1}",
        '\u0000',
        'NaN',
        '{"t":Infinity}',
      ),
      // A strict prefix of a JSON object is never JSON.
      fc.integer({ min: 0, max: 200 }).map((cut) => {
        const text = JSON.stringify({ ...pushBody(nowS), t: validT, sign: md5Sign(ctx.key, validT) });
        return text.slice(0, Math.min(cut, text.length - 1));
      }),
      deepText.map((text) => `${text}]`),
    )
    .filter((text) => {
      try {
        JSON.parse(text);
        return false;
      } catch {
        return true;
      }
    })
    .map(make('not-json', [400]));

  const notObject = fc
    .oneof(
      fc
        .jsonValue({ maxDepth: 2, depthSize: 'small' })
        .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
      deepText,
    )
    .map((v) => (typeof v === 'string' && /^[[{]/.test(v) && v.length > 100 ? v : JSON.stringify(v)))
    .filter((text) => !text.startsWith('{'))
    .map(make('not-an-object', [400]));

  // t, sign or event_type missing or of a type that cannot be read.
  const badT = fc.oneof(
    fc.constantFrom(null, true, 1.5, '1.5', 'abc', '', '12345678901234567890', [], {}, 1e21),
    unicode.filter((s) => !/^-?\d{1,15}$/.test(s)),
  );
  const badSign = fc.oneof(fc.constantFrom(null, 0, 12345, true, [], {}, ['a']), hugeString(129, 2000));
  const badEventType = fc.oneof(
    fc.constantFrom(null, 'push', 1.5, '', [], {}, true),
    unicode.filter((s) => !/^-?\d{1,15}$/.test(s)),
  );
  const wrongEnvelope = fc
    .record({
      which: fc.constantFrom('t', 'sign', 'event_type'),
      missing: fc.boolean(),
      t: badT,
      sign: badSign,
      eventType: badEventType,
      extra: fc.dictionary(fieldName, anyJson, { maxKeys: 3, size: 'small' }),
      proto: fc.array(protoKeys, { maxLength: 2 }),
    })
    .map(({ which, missing, t, sign, eventType, extra, proto }) => {
      const body: Record<string, unknown> = {
        ...extra,
        ...pushBody(nowS),
        t: validT,
        sign: md5Sign(ctx.key, validT),
      };
      if (missing) delete body[which];
      else body[which] = which === 't' ? t : which === 'sign' ? sign : eventType;
      return withRaw(body, proto);
    })
    .filter((text) => Buffer.byteLength(text) <= ctx.bodyLimit)
    .map(make('wrong-envelope', [400]));

  // Read fine, signed wrong: a forger, a wrong key, a mangled sign.
  const wrongSigned = fc
    .record({
      t: fc.oneof(signedT, fc.constantFrom(0, -1, Number.MAX_SAFE_INTEGER)),
      signDraw: wrongSignDraw,
      eventType: fc.oneof(fc.constantFrom(0, 1, 100, 200), fc.integer()),
      fields: fc.dictionary(fc.oneof(fieldName, fc.constantFrom('stream_id', 'sequence', 'width')), anyJson, {
        maxKeys: 4,
        size: 'small',
      }),
      proto: fc.array(protoKeys, { maxLength: 2 }),
      // Either deep nesting or a huge string, sized to stay within the body limit.
      padding: fc.oneof(
        fc.constant(undefined),
        deepText.map((nested) => ({ nested })),
        hugeString(1000, 3000).map((big) => ({ big })),
      ),
    })
    .map((r) => ({ ...r, sign: wrongSign(ctx, r.t, r.signDraw) }))
    .filter((r): r is typeof r & { sign: string } => r.sign !== undefined)
    .map(({ t, eventType, fields, proto, padding, sign }) => {
      const nested = padding && 'nested' in padding ? padding.nested : undefined;
      const big = padding && 'big' in padding ? padding.big : undefined;
      const body: Record<string, unknown> = { ...pushBody(nowS), ...fields, t, sign, event_type: eventType };
      if (big !== undefined) body.errmsg = big;
      const raw = [...proto, ...(nested ? [`"junk":${nested}`] : [])];
      return withRaw(body, raw);
    })
    .filter((text) => Buffer.byteLength(text) <= ctx.bodyLimit)
    .map(make('wrong-sign', BAD_SIGN));

  // Numbers past 2^53 where integers are expected (`sequence` unquoted, as Tencent might send it).
  const bigNumbers = fc
    .record({
      field: fc.constantFrom('t', 'event_type', 'width', 'errcode', 'event_time', 'sequence', 'appid'),
      digits: fc.integer({ min: 16, max: 400 }),
      lead: fc.integer({ min: 1, max: 9 }),
      signed: fc.boolean(),
    })
    .map(({ field, digits, lead, signed }) => {
      const body = { ...pushBody(nowS), t: validT, sign: signed ? md5Sign(ctx.key, validT) : 'x'.repeat(32) };
      const text = JSON.stringify({ ...body, [field]: 0 });
      return text.replace(`"${field}":0`, `"${field}":${lead}${'7'.repeat(digits)}`);
    })
    // Read as a number past 2^53 it is refused (400); a huge `sequence` is quoted and, over 40 digits,
    // refused too; with a wrong sign it may be refused for that first.
    .filter((text) => !/"sequence":\d{1,40}[,}]/.test(text) || text.includes(`"sign":"${'x'.repeat(32)}"`))
    .map(make('number-past-2^53', [400, 401, 429]));

  // The right sign for a `t` already past: a replay, or a retry too late.
  const expired = fc
    .integer({ min: 31, max: 10 * 365 * 86400 })
    .map((ago) => {
      const t = nowS - ago;
      return JSON.stringify({ ...pushBody(nowS), t, sign: md5Sign(ctx.key, t) });
    })
    .map(make('expired', [401]));

  // The right sign for a `t` further ahead than the template's validity allows: a sign minted to
  // last, by whoever holds the key or saw one such callback.
  const tooFarAhead = fc
    .oneof(fc.integer({ min: 631, max: 10 * 365 * 86400 }), fc.constant(999_999_999))
    .map((ahead) => {
      const t = nowS + ahead;
      return JSON.stringify({ ...pushBody(nowS), t, sign: md5Sign(ctx.key, t) });
    })
    .map(make('too-far-ahead', [401]));

  // Authentic, but not a push or disconnect: acknowledged, dropped.
  const otherEvents = fc
    .record({
      eventType: fc.oneof(
        fc.constantFrom(100, 200, 8, 321, 329, -1, 2),
        fc.integer({ min: 2, max: 2 ** 31 }),
      ),
      t: signedT,
      fields: fc.dictionary(fieldName, anyJson, { maxKeys: 4, size: 'small' }),
      proto: fc.array(protoKeys, { maxLength: 2 }),
    })
    .map(({ eventType, t, fields, proto }) =>
      withRaw({ ...fields, event_type: eventType, t, sign: md5Sign(ctx.key, t) }, proto),
    )
    .map(make('signed-other-event', [200]));

  // Authentic push/disconnect with one field that cannot be taken.
  const badFields: fc.Arbitrary<[string, unknown]> = fc.oneof(
    fc.tuple(
      fc.constant('stream_id'),
      fc.oneof(fc.constantFrom(undefined, '', 42, null, [], {}, true), hugeString(1025, 4000)),
    ),
    fc.tuple(
      fc.constant('sequence'),
      fc.oneof(
        fc.constantFrom('12a', '-5', '1.5', ' 1', 'x'.repeat(41), '9'.repeat(41), -5, 1.5, null, [], {}),
        unicode.filter((s) => !/^\d{1,40}$/.test(s)),
      ),
    ),
    fc.tuple(
      fc.constantFrom('width', 'height', 'errcode', 'appid', 'event_time'),
      fc.constantFrom('abc', 1.5, null, [], {}, true, '1e3'),
    ),
    fc.tuple(
      fc.constantFrom('app', 'appname', 'errmsg', 'stream_param'),
      fc.oneof(fc.constantFrom(1, null, [], {}, true), hugeString(4097, 9000)),
    ),
    fc.tuple(fc.constant('push_duration'), fc.constantFrom('x', '-1', null, [], {})),
  );
  const signedBadShape = fc
    .record({
      eventType: fc.constantFrom(0, 1, '0', '1'),
      t: signedT,
      field: badFields,
      proto: fc.array(protoKeys, { maxLength: 2 }),
    })
    .map(({ eventType, t, field: [name, value], proto }) => {
      const body: Record<string, unknown> = {
        ...pushBody(nowS),
        event_type: eventType,
        t,
        sign: md5Sign(ctx.key, t),
      };
      if (value === undefined) delete body[name];
      else body[name] = value;
      return withRaw(body, proto);
    })
    .filter((text) => Buffer.byteLength(text) <= ctx.bodyLimit)
    .map(make('signed-bad-shape', [400]));

  // Over the body limit, whatever it holds.
  const tooLarge = fc
    .tuple(hugeString(ctx.bodyLimit + 1, ctx.bodyLimit * 4), fc.boolean())
    .map(([filler, signed]) =>
      JSON.stringify({
        ...pushBody(nowS),
        errmsg: filler,
        t: validT,
        sign: signed ? md5Sign(ctx.key, validT) : 'x',
      }),
    )
    .map(make('too-large', [413]));

  return fc
    .tuple(
      fc.oneof(
        { weight: 2, arbitrary: notJson },
        { weight: 1, arbitrary: notObject },
        { weight: 3, arbitrary: wrongEnvelope },
        { weight: 4, arbitrary: wrongSigned },
        { weight: 1, arbitrary: expired },
        { weight: 1, arbitrary: tooFarAhead },
        { weight: 1, arbitrary: bigNumbers },
        { weight: 2, arbitrary: otherEvents },
        { weight: 3, arbitrary: signedBadShape },
        { weight: 1, arbitrary: tooLarge },
      ),
      contentType,
    )
    .map(([hostile, type]) => ({ ...hostile, contentType: type }));
}
