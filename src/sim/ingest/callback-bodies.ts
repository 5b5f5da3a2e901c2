import { md5Sign } from '../../tencent/md5-sign.js';
import { CALLBACK_VALIDITY_S } from '../core/platform-rules.js';
import type { LiveStream } from '../core/streams.js';

/**
 * Push and disconnect callbacks in CSS's format (reference §1.3/§1.4), signed md5(key + t).
 * callback-sender.ts delivers them.
 */

export type CallbackKind = 'push' | 'disconnect';
export type CallbackBody = Record<string, string | number>;

/** Disconnect reasons the simulator sends (reference §1.5). */
export const DISCONNECT_REASON = {
  stopped: { errcode: 1, errmsg: 'recv rtmp deleteStream' },
  replaced: { errcode: 21, errmsg: 'a new push connection replaced the current push' },
} as const;

export interface CallbackContext {
  appId: number;
  callbackKey: string;
  /** Unix ms (real). */
  now: number;
}

function commonFields(stream: LiveStream, ctx: CallbackContext, eventType: 0 | 1): CallbackBody {
  const eventTime = Math.floor(ctx.now / 1000);
  // `t` is an expiry, not a delay: real seconds whatever the time scale.
  const t = eventTime + CALLBACK_VALIDITY_S;
  return {
    app: stream.domain,
    appid: ctx.appId,
    appname: stream.appName,
    channel_id: stream.streamId,
    event_time: eventTime,
    event_type: eventType,
    node: stream.node,
    sequence: stream.sequence,
    set_id: 2,
    sign: md5Sign(ctx.callbackKey, t),
    stream_id: stream.streamId,
    stream_param: stream.params,
    t,
    user_ip: stream.userIp,
    idc_id: 34,
  };
}

export function pushCallbackBody(stream: LiveStream, ctx: CallbackContext): CallbackBody {
  return {
    ...commonFields(stream, ctx, 1),
    errcode: 0,
    errmsg: 'ok',
    width: stream.reportSize ? stream.width : 0,
    height: stream.reportSize ? stream.height : 0,
  };
}

export function disconnectCallbackBody(
  stream: LiveStream,
  ctx: CallbackContext,
  reason: { errcode: number; errmsg: string },
): CallbackBody {
  return {
    ...commonFields(stream, ctx, 0),
    errcode: reason.errcode,
    errmsg: reason.errmsg,
    width: stream.width,
    height: stream.height,
    // Milliseconds as a string, as the current docs show it.
    push_duration: String(Math.max(0, ctx.now - stream.pushedAt)),
  };
}
