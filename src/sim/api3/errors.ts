import { MIX_CODE } from '../core/mix-codes.js';
import type { MixOutcome } from '../core/mix-request.js';

/**
 * How the API 3.0 front-end words the platform's legacy answer codes (reference §6.5): a code with
 * a named API 3.0 counterpart gets that name; the rest come back with the legacy code embedded in
 * `Message` — platform-state codes under `FailedOperation` in format A
 * (`err_code [ -505 ],msg [ … ]`), parameter codes under `InvalidParameter.OtherError` in format B
 * (`InnerErrCode : [ -2 ],InnerErrMsg: [ … ]`). Written from the platform's side, independently of
 * the client's decoding table (src/tencent/api3/errors.ts), so a mistake in one shows in the other.
 */

export interface Api3Error {
  Code: string;
  Message: string;
}

/** Legacy codes the API 3.0 doc tables give a name of their own. */
const NAMED: Readonly<Record<number, string>> = {
  [MIX_CODE.streamCount]: 'InvalidParameter.InputNumLimitExceeded',
  [MIX_CODE.layer]: 'InvalidParameter.InvalidLayerParam',
  [MIX_CODE.crop]: 'InvalidParameter.InvalidCropParam',
  [MIX_CODE.pictureId]: 'InvalidParameter.InvalidPictureID',
  [-34]: 'FailedOperation.GetPictureUrlError',
  [MIX_CODE.outputType]: 'InvalidParameter.InvalidOutputType',
  [MIX_CODE.outputInUse]: 'InvalidParameter.InvalidOutputStreamID',
  [MIX_CODE.inputSize]: 'FailedOperation.GetStreamResolutionError',
  [MIX_CODE.sessionOutput]: 'InvalidParameter.SessionOutputStreamChanged',
  [MIX_CODE.cancelUnknown]: 'FailedOperation.CancelSessionNotExist',
  [-31001]: 'FailedOperation.CancelSessionNotExist',
  [-31002]: 'FailedOperation.CancelSessionNotExist',
  [MIX_CODE.bitrate]: 'InvalidParameter.InvalidBitrate',
};

/** Codes about the platform's state rather than the request: which API 3.0 code carries them is undocumented. */
const PLATFORM_STATE: ReadonlySet<number> = new Set([
  MIX_CODE.backgroundSize,
  MIX_CODE.inputNotFound,
  MIX_CODE.triggerFailed,
  -27,
  -41,
]);

/** Input width/height over 2000 px: an API 3.0-only code (reference §3). */
export const API3_INPUT_TOO_LARGE = -10021;

/** The API 3.0 error for a failed legacy outcome (`code` ≠ 0). */
export function api3ErrorFor(outcome: MixOutcome): Api3Error {
  const { code, message } = outcome;
  const named = NAMED[code];
  if (named) return { Code: named, Message: message };
  if (code === MIX_CODE.interfaceMismatch && /template/i.test(message)) {
    return { Code: 'InvalidParameter.TemplateNotMatchInputNum', Message: message };
  }
  if (PLATFORM_STATE.has(code)) {
    return { Code: 'FailedOperation', Message: `err_code [ ${code} ],msg [ ${message} ]` };
  }
  return {
    Code: 'InvalidParameter.OtherError',
    Message: `InnerErrCode : [ ${code} ],InnerErrMsg: [ ${message} ]`,
  };
}
