import { createHash } from 'node:crypto';

/**
 * Push/disconnect callback bodies as Tencent CSS sends them, signed md5(key + t). Written here
 * rather than imported from src/tencent so the bench signs independently of the verifier it loads.
 */

export interface CallbackFields {
  kind: 'push' | 'disconnect';
  streamId: string;
  /** Decimal string, past 2^53 like Tencent's. */
  sequence: string;
  /** The push URL's query, e.g. `mix_room=r1&mix_role=main`. */
  params: string;
  width: number;
  height: number;
  nowMs: number;
}

/** `t` is an expiry: ten minutes ahead, as the simulator (and CSS) sends it. */
const VALIDITY_S = 600;

export function signedCallbackBody(
  fields: CallbackFields,
  keys: { appId: number; callbackKey: string },
): string {
  const eventTime = Math.floor(fields.nowMs / 1000);
  const t = eventTime + VALIDITY_S;
  return JSON.stringify({
    app: 'bench.livepush.myqcloud.com',
    appid: keys.appId,
    appname: 'live',
    channel_id: fields.streamId,
    event_time: eventTime,
    event_type: fields.kind === 'push' ? 1 : 0,
    node: '198.51.100.7',
    sequence: fields.sequence,
    set_id: 2,
    sign: createHash('md5').update(`${keys.callbackKey}${t}`).digest('hex'),
    stream_id: fields.streamId,
    stream_param: fields.params,
    t,
    user_ip: '203.0.113.10',
    idc_id: 34,
    errcode: fields.kind === 'push' ? 0 : 1,
    errmsg: fields.kind === 'push' ? 'ok' : 'recv rtmp deleteStream',
    width: fields.width,
    height: fields.height,
  });
}

/** Distinct sequences for one bench run: Unix ms × 10^6 plus a counter, as the simulator makes them. */
export function sequenceSource(): () => string {
  const base = BigInt(Date.now()) * 1_000_000n;
  let n = 0n;
  return () => {
    n += 1n;
    return (base + n).toString();
  };
}
