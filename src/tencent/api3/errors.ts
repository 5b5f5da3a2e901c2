import {
  classifyMixError,
  type ErrorClass,
  MIX_ERRORS,
  type MixErrorCode,
  type MixErrorInfo,
  type MixOperation,
  TRANSPORT_CODES,
  UNKNOWN_CODE,
} from '../errors.js';
import type { ApiError } from './envelope.js';

/**
 * API 3.0 error answers in the legacy vocabulary (reference §6.5), so operators and alerts see one
 * set of codes whichever backend runs. In order:
 *
 * 1. a legacy code embedded in `Message` (format A `err_code [ -505 ],msg [ … ]`, format B
 *    `InnerErrCode : [ -10021 ],InnerErrMsg: [ … ]`) is the code, classified by the legacy table —
 *    so -505 and -10031 retry here too, whatever `Code` carried them (which one does is undocumented);
 *    a number that table does not know stays the code, classified as step 2 or 4 would classify `Code`;
 * 2. a named code with a documented legacy counterpart (`SessionOutputStreamChanged` ≈ -508,
 *    `CancelSessionNotExist` ≈ -30300: already done on cancel) reports that number;
 * 3. rate limits and an expired signature report the transport codes `throttled` / `time_expired`;
 * 4. anything else reports the API 3.0 code itself, classified by the reference's catalogue
 *    (API_ONLY), else by its family (`FailedOperation.X` as `FailedOperation`), else permanent.
 *
 * A code or embedded number in no catalogue is marked `unknown` (shown with its message, counted).
 *
 * The API 3.0 code always travels beside the result as `apiCode`.
 */

export interface Api3ErrorInfo extends MixErrorInfo {
  apiCode: string;
}

const EMBEDDED_FORMATS = [
  /err_code \[ *(-?\d+) *\]/, // A
  /InnerErrCode *: *\[ *(-?\d+) *\]/, // B (InvalidParameter.OtherError page)
] as const;

/** The legacy numeric code embedded in an API 3.0 error message, if any. */
export function embeddedLegacyCode(message: string): number | undefined {
  for (const pattern of EMBEDDED_FORMATS) {
    const match = pattern.exec(message);
    if (match?.[1] !== undefined) return Number(match[1]);
  }
  // A message-only variant: the wrong template for the input count (-20).
  if (/input stream num is not match the template id/i.test(message)) return -20;
  return undefined;
}

/** Named API 3.0 codes whose legacy number is documented (or is the documented candidate). */
const LEGACY_EQUIVALENTS: Readonly<Record<string, number>> = {
  'FailedOperation.CancelSessionNotExist': -30300,
  'InvalidParameter.CancelSessionNotExist': -30300,
  'FailedOperation.GetPictureUrlError': -34,
  'FailedOperation.GetStreamResolutionError': -507,
  'FailedOperation.ProcessMixError': -10031,
  'FailedOperation.StreamNotExist': -505,
  'InvalidParameter.InputNumLimitExceeded': -3,
  'InvalidParameter.InvalidBitrate': -31004,
  'InvalidParameter.InvalidCropParam': -29,
  'InvalidParameter.InvalidLayerParam': -11,
  'InvalidParameter.InvalidOutputStreamID': -300,
  'InvalidParameter.InvalidOutputType': -111,
  'InvalidParameter.InvalidPictureID': -33,
  'InvalidParameter.SessionOutputStreamChanged': -508,
  'InvalidParameter.TemplateNotMatchInputNum': -20,
};

/**
 * Codes that mean what a transport code already says. `RequestLimitExceeded` and its sub-codes
 * (`RequestLimitExceeded.UinLimitExceeded`, …) are matched by prefix in `transportEquivalent`.
 */
const TRANSPORT_EQUIVALENTS: Readonly<Record<string, MixErrorCode>> = {
  'LimitExceeded.RateLimitExceeded': TRANSPORT_CODES.throttled,
  // The signature is re-made with a fresh timestamp on every attempt.
  'AuthFailure.SignatureExpire': TRANSPORT_CODES.timeExpired,
};

interface ApiCodeInfo {
  class: ErrorClass;
  meaning: string;
  hint: string;
}

/**
 * The reference's API 3.0 codes (§6.5, both tables) with no legacy number. Every name the reference
 * lists is here or in LEGACY_EQUIVALENTS / TRANSPORT_EQUIVALENTS: a code found in none of them is
 * unknown (classified by its family, else permanent, and counted).
 */
const API_ONLY: Readonly<Record<string, ApiCodeInfo>> = {
  'AuthFailure.SignatureFailure': {
    class: 'permanent',
    meaning: 'the request signature is wrong',
    hint: 'check TENCENT_SECRET_KEY belongs to TENCENT_SECRET_ID',
  },
  'AuthFailure.SecretIdNotFound': {
    class: 'permanent',
    meaning: 'unknown SecretId',
    hint: 'check TENCENT_SECRET_ID (and that the key was not deleted or disabled)',
  },
  // Generic failure with no embedded code: retried, bounded by the job's attempts.
  FailedOperation: {
    class: 'retry',
    meaning: 'the platform could not complete the operation',
    hint: 'transient unless it persists; the message may say more',
  },
  'FailedOperation.CallOtherSvrError': {
    class: 'retry',
    meaning: 'an internal backend call failed',
    hint: 'transient; retried with backoff',
  },
  'FailedOperation.CallOtherSvrFailed': {
    class: 'retry',
    meaning: 'an internal backend call failed',
    hint: 'transient; retried with backoff',
  },
  InternalError: {
    class: 'retry',
    meaning: 'platform internal error',
    hint: 'transient; retried with backoff',
  },
  'InternalError.JiFeiOtherError': {
    class: 'permanent',
    meaning: 'billing-side error',
    hint: 'check the account’s billing state; contact Tencent support',
  },
  // Without an embedded legacy code (which decides when present).
  InvalidParameter: {
    class: 'permanent',
    meaning: 'parameter error',
    hint: 'the message names the parameter; resending the same request cannot help',
  },
  'InvalidParameter.OtherError': {
    class: 'permanent',
    meaning: 'parameter error',
    hint: 'the message names the parameter; resending the same request cannot help',
  },
  'InvalidParameter.InvalidBackgroudResolution': {
    class: 'permanent',
    meaning: 'invalid background size',
    hint: 'set a canvas size within [1, 2000] pixels a side',
  },
  'InvalidParameter.InvalidRoundRectRadius': {
    class: 'permanent',
    meaning: 'invalid rounded-corner radius',
    hint: 'fix the rounded-corner parameter',
  },
  'ResourceNotFound.ForbidService': {
    class: 'permanent',
    meaning: 'the live service is forbidden for the account',
    hint: 'check the account in the console; contact Tencent support',
  },
  'ResourceNotFound.FreezeService': {
    class: 'permanent',
    meaning: 'the live service is frozen for the account',
    hint: 'check the account’s balance and state in the console',
  },
  'ResourceNotFound.StopService': {
    class: 'permanent',
    meaning: 'the live service is stopped for the account',
    hint: 'check the account’s state in the console',
  },
  'ResourceNotFound.UserDisableService': {
    class: 'permanent',
    meaning: 'the account disabled the live service',
    hint: 'enable the live service in the console',
  },
  // 当前服务暂时不可用: a platform hiccup, not a verdict on the request.
  ServiceUnavailable: {
    class: 'retry',
    meaning: 'the service is temporarily unavailable',
    hint: 'transient; retried with backoff',
  },
};

/**
 * An unknown sub-code (`Family.Something`) is classified by what its family means: the family's
 * own entry in API_ONLY (`FailedOperation`, `InternalError`, …), else this table's.
 */
const API_FAMILIES: Readonly<Record<string, ApiCodeInfo>> = {
  AuthFailure: {
    class: 'permanent',
    meaning: 'authentication failed',
    hint: 'check TENCENT_SECRET_ID / TENCENT_SECRET_KEY and the CAM permissions for live',
  },
  InvalidParameterValue: {
    class: 'permanent',
    meaning: 'parameter value error',
    hint: 'the message names the parameter; resending the same request cannot help',
  },
  ResourceNotFound: {
    class: 'permanent',
    meaning: 'the live service is unavailable to the account',
    hint: 'the service is forbidden, frozen, stopped or disabled: check the account in the console',
  },
};

function transportEquivalent(code: string): MixErrorCode | undefined {
  return code.startsWith('RequestLimitExceeded') ? TRANSPORT_CODES.throttled : TRANSPORT_EQUIVALENTS[code];
}

/** A named code's meaning: the catalogue's, else its family's (marked unknown), else unknown and permanent. */
function apiOnlyInfo(code: string): ApiCodeInfo & { unknown?: true } {
  const known = API_ONLY[code];
  if (known) return known;
  const family = code.split('.')[0] ?? '';
  return { ...(API_ONLY[family] ?? API_FAMILIES[family] ?? UNKNOWN_CODE), unknown: true };
}

/** What an API 3.0 error answer means for the given operation, in the legacy vocabulary. */
export function classifyApiError(error: ApiError, op: MixOperation): Api3ErrorInfo {
  const apiCode = error.Code;
  const embedded = embeddedLegacyCode(error.Message);
  if (embedded !== undefined) {
    if (MIX_ERRORS[embedded]) return { ...classifyMixError(embedded, op), apiCode };
    // A number the legacy table does not know: keep the number; the named code's documented legacy
    // counterpart decides if it has one (`CancelSessionNotExist` is done on cancel whatever number
    // it carries), else the API code's family. Either way the number is new to us: unknown.
    const named = LEGACY_EQUIVALENTS[apiCode];
    if (named !== undefined)
      return { ...classifyMixError(named, op), code: embedded, apiCode, unknown: true };
    return { ...apiOnlyInfo(apiCode), code: embedded, apiCode, unknown: true };
  }
  const legacy = LEGACY_EQUIVALENTS[apiCode] ?? transportEquivalent(apiCode);
  if (legacy !== undefined) return { ...classifyMixError(legacy, op), apiCode };
  return { ...apiOnlyInfo(apiCode), code: apiCode, apiCode };
}
