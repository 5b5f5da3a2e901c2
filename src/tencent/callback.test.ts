import { describe, expect, test } from 'vitest';
import {
  liveEventSchema,
  MAX_ERRMSG,
  parseCallbackJson,
  parseStreamParams,
  streamCallbackSchema,
  toLiveEvent,
} from './callback.js';

// Tencent's documented push sample (reference §1.4).
const pushSample = `{"app":"test.domain.com","appid":12345678,"appname":"live","channel_id":"test_stream","errcode":0,"errmsg":"ok","event_time":1703731478,"event_type":1,"height":0,"idc_id":34,"node":"42.81.194.37","sequence":"2210464508206756938","set_id":2,"sign":"df49f5d4","stream_id":"test_stream","stream_param":"stream_param=test","t":1703732078,"user_ip":"1.1.1.1","width":0}`;

describe('streamCallbackSchema', () => {
  test('accepts the documented push sample and keeps the sequence exact', () => {
    const cb = streamCallbackSchema.parse(parseCallbackJson(pushSample));
    expect(cb.sequence).toBe('2210464508206756938');
    expect(cb.width).toBe(0);
    // Received a second after its event_time, as a push callback is.
    const event = toLiveEvent(cb, 1703731479000);
    expect(event).toMatchObject({
      kind: 'push',
      streamId: 'test_stream',
      sequence: '2210464508206756938',
      eventTimeMs: 1703731478000,
      domain: 'test.domain.com',
      appName: 'live',
      params: {},
    });
    expect(event.unmixable).toBeUndefined();
  });

  test('an unquoted sequence past 2^53 keeps every digit', () => {
    const body = pushSample.replace('"sequence":"2210464508206756938"', '"sequence":2210464508206756938');
    expect(streamCallbackSchema.parse(parseCallbackJson(body)).sequence).toBe('2210464508206756938');
  });

  test('the 2017 legacy disconnect capture parses: no push_duration, set_id or width', () => {
    const cb = streamCallbackSchema.parse({
      event_type: 0,
      t: 1506309271,
      sign: 'abc',
      stream_id: '11220_host',
      sequence: '123',
      errcode: 2,
      errmsg: 'recv rtmpcloseStream',
      stream_param: 'bizid=11220&txSecret=x&txTime=59C91AFC&record=hls&record_interval=5400&mix_room=r1',
    });
    const event = toLiveEvent(cb, 5);
    expect(event.kind).toBe('disconnect');
    expect(event.params).toEqual({ mix_room: 'r1' });
    expect(event.width).toBe(0);
    expect(event).toMatchObject({ receivedAt: 5, errcode: 2, errmsg: 'recv rtmpcloseStream' });
    expect(event).not.toHaveProperty('subErrcode');
  });

  test('a disconnect carries its reason: errcode, sub_errcode and a short errmsg', () => {
    const cb = streamCallbackSchema.parse({
      event_type: 0,
      t: 1,
      sign: 's',
      stream_id: 'guest_b',
      sequence: '9',
      errcode: 21,
      sub_errcode: '102',
      errmsg: ` ${'replaced '.repeat(40)}`,
    });
    const event = toLiveEvent(cb, 0);
    expect(event).toMatchObject({ errcode: 21, subErrcode: 102 });
    expect(event.errmsg).toHaveLength(MAX_ERRMSG);
    expect(event.errmsg?.startsWith('replaced')).toBe(true);
    expect(liveEventSchema.parse(event)).toEqual(event);
  });

  test('an event is the job payload: one written before errmsg and subErrcode existed still reads', () => {
    const before = {
      kind: 'push',
      streamId: 'host_a',
      sequence: '1',
      eventTimeMs: 1000,
      receivedAt: 1200,
      domain: 'push.example.com',
      appName: 'live',
      params: { mix_room: 'r1' },
      width: 540,
      height: 960,
      errcode: 0,
    };
    expect(liveEventSchema.parse(before)).toEqual(before);
  });

  test('push_duration may be a string or a number; numbers may arrive as strings', () => {
    const base = { event_type: 0, t: '1700000000', sign: 's', stream_id: 'a', errcode: '1' };
    expect(streamCallbackSchema.parse({ ...base, push_duration: '12000' }).push_duration).toBe(12000);
    expect(streamCallbackSchema.parse({ ...base, push_duration: 12 }).push_duration).toBe(12);
    expect(streamCallbackSchema.parse(base).t).toBe(1700000000);
    expect(streamCallbackSchema.parse(base).errcode).toBe(1);
  });

  test('unknown fields are tolerated and dropped', () => {
    const cb = streamCallbackSchema.parse({
      event_type: 1,
      t: 1,
      sign: 's',
      stream_id: 'a',
      brand_new: { x: 1 },
    });
    expect(cb).not.toHaveProperty('brand_new');
  });

  test('refuses what is not a push or disconnect, and bodies without the required fields', () => {
    expect(streamCallbackSchema.safeParse({ event_type: 100, t: 1, sign: 's', stream_id: 'a' }).success).toBe(
      false,
    );
    expect(streamCallbackSchema.safeParse({ event_type: 1, t: 1, sign: 's' }).success).toBe(false);
    expect(
      streamCallbackSchema.safeParse({ event_type: 1, t: 'soon', sign: 's', stream_id: 'a' }).success,
    ).toBe(false);
    expect(
      streamCallbackSchema.safeParse({ event_type: 1, t: 1, sign: 's', stream_id: 'a', sequence: '-1' })
        .success,
    ).toBe(false);
  });

  test('an event_time the worker’s event would refuse (negative, or past a safe ms) is refused here', () => {
    const body = (event_time: unknown) => ({ event_type: 1, t: 1, sign: 's', stream_id: 'a', event_time });
    for (const bad of [-1, '-1', Math.ceil(Number.MAX_SAFE_INTEGER / 1000)]) {
      expect(streamCallbackSchema.safeParse(body(bad)).success, String(bad)).toBe(false);
    }
    for (const good of [0, '1703731478', Math.floor(Number.MAX_SAFE_INTEGER / 1000)]) {
      const event = toLiveEvent(streamCallbackSchema.parse(body(good)), 1_700_000_000_000);
      expect(liveEventSchema.parse(event)).toEqual(event);
    }
  });

  test('only the parameters mixkeeper reads leave stream_param: credentials and the rest are dropped', () => {
    const cb = streamCallbackSchema.parse({
      event_type: 1,
      t: 1,
      sign: 's',
      stream_id: 'a',
      stream_param:
        'txSecret=f85a2ab363fe4deaffef9754d79da6fe&txTime=5C271099&mix_room=r1&api_key=x&authToken=y&pwd=hunter2&mixv2=t_id:1&mix_secret=z',
    });
    expect(toLiveEvent(cb, 0).params).toEqual({ mix_room: 'r1', mixv2: 't_id:1' });
  });

  test('a stream id the mix API cannot take is marked unmixable, not refused', () => {
    const cb = streamCallbackSchema.parse({ event_type: 1, t: 1, sign: 's', stream_id: 'host-1.cam' });
    expect(toLiveEvent(cb, 0).unmixable).toMatch(/letters, digits or underscores/);
  });
});

describe('parseStreamParams', () => {
  test('decodes the push query; the first of a repeated key wins', () => {
    expect(parseStreamParams('?mix_room=r1&mix_role=main&a=1&a=2&name=J%C3%BCrgen+K&flag')).toEqual({
      mix_room: 'r1',
      mix_role: 'main',
      a: '1',
      name: 'Jürgen K',
      flag: '',
    });
  });
  test('keeps a malformed escape as it came and ignores __proto__ tricks', () => {
    const params = parseStreamParams('x=%E0%A4%A&__proto__=1');
    expect(params.x).toBe('%E0%A4%A');
    expect(Object.getPrototypeOf(params)).toBeNull();
    expect(Object.entries(params)).toContainEqual(['__proto__', '1']);
  });
  test('empty or missing is an empty map', () => {
    expect(parseStreamParams(undefined)).toEqual({});
    expect(parseStreamParams('')).toEqual({});
  });
});
