import type { MixOutcome } from './mix-request.js';

/** The answer codes the simulator gives (seed error table), by what they mean. */
export const MIX_CODE = {
  ok: 0,
  parse: -1,
  param: -2,
  streamCount: -3,
  streamParam: -4,
  layer: -11,
  interfaceMismatch: -20,
  tooFewInputs: -21,
  backgroundSize: -28,
  crop: -29,
  pictureId: -33,
  outputType: -111,
  outputInUse: -300,
  inputNotFound: -505,
  inputSize: -507,
  sessionOutput: -508,
  triggerFailed: -10031,
  cancelUnknown: -30300,
  cancelOutput: -31003,
  bitrate: -31004,
  /**
   * Bad query signature or unknown appid. Tencent documents no code for it; the simulator answers
   * a code outside the mix table so a client classifies it as permanent (a configuration error).
   */
  authFailed: -101,
} as const;

/** Default messages, in the platform's wording where one is known. */
const MESSAGES: Readonly<Record<number, string>> = {
  0: 'Success!',
  [-1]: 'parse input params error',
  [-2]: 'input params error',
  [-3]: 'stream number error',
  [-4]: 'stream params error',
  [-11]: 'layer error',
  [-20]: 'input params do not match the interface',
  [-21]: 'input stream number error: at least two streams are needed',
  [-28]: 'get background width and height failed',
  [-29]: 'crop params error',
  [-33]: 'picture id error',
  [-111]: 'output_stream_id does not match output_stream_type',
  [-300]: 'output stream id is already in use',
  [-505]: 'input stream not found in upload',
  [-507]: 'query stream width and height failed',
  [-508]: 'output stream id error',
  [-10031]: 'trigger mix stream failed',
  [-30300]: 'session id does not exist',
  [-31003]: 'output stream id does not match the session',
  [-31004]: 'output stream bitrate is invalid',
  [-101]: 'sign check failed',
};

export function messageFor(code: number): string {
  return MESSAGES[code] ?? 'error';
}

/** An outcome with the code's default message, optionally followed by what exactly was wrong. */
export function fail(code: number, detail?: string): MixOutcome {
  return { code, message: detail ? `${messageFor(code)}: ${detail}` : messageFor(code) };
}

export const SUCCESS: MixOutcome = { code: MIX_CODE.ok, message: messageFor(0) };
