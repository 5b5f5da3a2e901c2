/**
 * The mix API's error codes (seed table, reference §3) and what to do about each.
 * - `retry`: transient, try again later (the platform is not ready, or the call did not get through);
 * - `done`: on cancel, the session is already gone: the wanted state holds;
 * - `permanent`: the request itself is wrong; resending it cannot help.
 *
 * Every retry is bounded, whatever the code: the reconcile job retries with jittered exponential
 * backoff (MIX_RETRY_BASE_MS) up to MIX_RETRY_MAX_ATTEMPTS, then marks the room failed, and the
 * resync tries a failed room again only after RESYNC_FAILED_RETRY_MS. So the reference's "retry
 * (bounded)" (a code that may mean "not ready yet" or "never") and its plain "retry" are handled
 * alike here.
 */

export type ErrorClass = 'retry' | 'done' | 'permanent';
export type MixOperation = 'start' | 'cancel';

/** Non-numeric outcomes of a call that never got a platform answer. */
export const TRANSPORT_CODES = {
  timeout: 'timeout',
  network: 'network',
  http5xx: 'http_5xx',
  badResponse: 'bad_response',
  timeExpired: 'time_expired',
  throttled: 'throttled',
} as const;
export type TransportCode = (typeof TRANSPORT_CODES)[keyof typeof TRANSPORT_CODES];
export type MixErrorCode = number | TransportCode;

interface CodeInfo {
  meaning: string;
  /** The seed's troubleshooting advice, for operators. */
  hint: string;
  class: ErrorClass;
  /** When the class differs on cancel. */
  onCancel?: ErrorClass;
}

export const MIX_ERRORS: Readonly<Record<number, CodeInfo>> = {
  [-1]: {
    meaning: 'request cannot be parsed',
    hint: 'check the body is JSON, the interface name is mix_streamv2.start_mix_stream_advanced and input_stream_list is not empty',
    class: 'permanent',
  },
  [-2]: {
    meaning: 'input parameter error',
    hint: 'check appid and eventId are not 0 and that no picture overflows the background',
    class: 'permanent',
  },
  [-3]: {
    meaning: 'wrong number of streams',
    hint: 'the input count must be within [1, 16]',
    class: 'permanent',
  },
  [-4]: {
    meaning: 'stream parameter error',
    hint: 'sizes within (0, 3000), 1-16 inputs, every input has layout_params, input_type in {0,2,3,4,5}, stream ids 1-80 characters',
    class: 'permanent',
  },
  [-9]: {
    meaning: 'session id reused for another output before a cancel (older doc)',
    hint: 'cancel the session first and wait 30 s before reusing its id',
    class: 'permanent',
  },
  [-11]: {
    meaning: 'layer error',
    hint: 'one layer per input, no duplicate layer, layers within (0, 16]',
    class: 'permanent',
  },
  [-20]: {
    meaning: 'parameters do not match the interface',
    hint: 'check the input count matches the template id, and the colour parameter',
    class: 'permanent',
  },
  [-21]: { meaning: 'too few input streams', hint: 'a mix needs at least two inputs', class: 'permanent' },
  [-27]: {
    meaning: 'input stream query failed (older doc)',
    hint: 'wait 5 s after the push before mixing',
    class: 'retry',
  },
  [-28]: {
    meaning: 'cannot get the background size',
    hint: 'set the canvas size when using a canvas; the background stream must be live (wait 5 s after push)',
    class: 'retry',
  },
  [-29]: {
    meaning: 'crop parameters error',
    hint: 'the crop must stay inside the stream',
    class: 'permanent',
  },
  [-33]: { meaning: 'watermark picture id error', hint: 'set the picture id', class: 'permanent' },
  [-34]: {
    meaning: 'cannot get the watermark picture URL',
    hint: 'check the picture was uploaded and has a URL',
    class: 'permanent',
  },
  [-41]: {
    meaning: 'a stream is already in 20 concurrent mixes',
    hint: 'cancel some of the other mixes that use the stream',
    class: 'permanent',
  },
  [-103]: {
    meaning: 'session id reused for another output before a cancel (older doc)',
    hint: 'cancel the session first and wait 30 s before reusing its id',
    class: 'permanent',
  },
  [-111]: {
    meaning: 'output_stream_id does not match output_stream_type',
    hint: 'type 0: the output id must be one of the inputs; type 1: it must not be',
    class: 'permanent',
  },
  [-300]: {
    meaning: 'output stream id already in use',
    hint: 'the output is already the output of another mix: cancel that mix or choose another id',
    class: 'permanent',
  },
  [-505]: {
    meaning: 'input stream not found at ingest',
    hint: 'start the mix 5 s after the push succeeds; check the stream plays; check the appid',
    class: 'retry',
  },
  [-507]: {
    meaning: 'input width/height query failed',
    hint: 'set the canvas size; wait 5 s after the push before mixing',
    class: 'retry',
  },
  [-508]: {
    meaning: 'output stream id error',
    hint: 'the same session id is used with a different output id',
    class: 'permanent',
  },
  [-10021]: {
    meaning: 'input width/height over 2000 pixels (API 3.0)',
    hint: 'push at most 2000 pixels a side, or leave the stream out of the mix',
    class: 'permanent',
  },
  [-10031]: {
    meaning: 'failed to trigger the mix',
    hint: 'wait 5 s after the push, then mix',
    class: 'retry',
  },
  [-30300]: {
    meaning: 'session id does not exist',
    hint: 'cancel only needs to be called once',
    class: 'permanent',
    onCancel: 'done',
  },
  [-31001]: {
    meaning: 'session id does not exist',
    hint: 'check the session id exists',
    class: 'permanent',
    onCancel: 'done',
  },
  [-31002]: {
    meaning: 'session id does not exist',
    hint: 'check the session id exists',
    class: 'permanent',
    onCancel: 'done',
  },
  [-31003]: {
    meaning: 'output id does not match the session',
    hint: 'cancel with the output id the session was started with',
    class: 'permanent',
  },
  [-31004]: {
    meaning: 'output bitrate invalid',
    hint: 'the bitrate must be within [1, 50000]',
    class: 'permanent',
  },
  5: {
    meaning: 'session id is invalid (legacy answer)',
    hint: 'undocumented: check the session id is 1-80 letters, digits or underscores',
    class: 'permanent',
  },
};

const TRANSPORT_INFO: Readonly<Record<TransportCode, CodeInfo>> = {
  timeout: {
    meaning: 'no answer within the request timeout',
    hint: 'the outcome is unknown; the next reconcile re-applies the wanted state',
    class: 'retry',
  },
  network: { meaning: 'connection failed', hint: 'check the mix URL and the network', class: 'retry' },
  http_5xx: { meaning: 'the platform answered a server error', hint: 'transient; retried', class: 'retry' },
  bad_response: {
    meaning: 'the answer was not the documented JSON',
    hint: 'transient unless it persists; check the mix URL',
    class: 'retry',
  },
  time_expired: {
    meaning: 'the request signature expired',
    hint: 'the request is signed afresh on retry; check the clock',
    class: 'retry',
  },
  throttled: { meaning: 'rate limited by the platform', hint: 'retried with backoff', class: 'retry' },
};

/**
 * An API 3.0 error code with no legacy number embedded in or mapped from it (e.g.
 * `AuthFailure.SignatureFailure`): reported as it is (src/tencent/api3/errors.ts).
 */
export type ApiOnlyCode = string;

export interface MixErrorInfo {
  code: MixErrorCode | ApiOnlyCode;
  class: ErrorClass;
  meaning: string;
  hint: string;
  /**
   * In none of the catalogues (this table, the API 3.0 one), and counted
   * (mixkeeper_mix_unknown_errors_total) so it gets noticed. Such a code is permanent, except an
   * unknown sub-code of a known API 3.0 family (`InternalError.X`, `FailedOperation.X`,
   * `ServiceUnavailable.X`), which takes its family's class (src/tencent/api3/errors.ts).
   */
  unknown?: true;
}

/** A code in no catalogue (legacy or API 3.0) and of no known API 3.0 family: permanent. */
export const UNKNOWN_CODE: Readonly<CodeInfo> = {
  meaning: 'unknown error',
  hint: 'not in Tencent’s table: contact Tencent support with the request (and its request id, if any)',
  class: 'permanent',
};

/** What an answer code means for the given operation. Unknown numeric codes are permanent. */
export function classifyMixError(code: MixErrorCode, op: MixOperation): MixErrorInfo {
  const known: CodeInfo | undefined = typeof code === 'number' ? MIX_ERRORS[code] : TRANSPORT_INFO[code];
  const info = known ?? UNKNOWN_CODE;
  return {
    code,
    class: op === 'cancel' && info.onCancel ? info.onCancel : info.class,
    meaning: info.meaning,
    hint: info.hint,
    ...(known ? {} : { unknown: true as const }),
  };
}
