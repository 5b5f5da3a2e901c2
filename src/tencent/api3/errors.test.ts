import { describe, expect, test } from 'vitest';
import { classifyApiError, embeddedLegacyCode } from './errors.js';

const error = (Code: string, Message = '') => ({ Code, Message });

describe('embeddedLegacyCode', () => {
  test.each([
    // The reference's two example strings (§6.5).
    ['err_code [ -505 ],msg [ stream not found ]', -505],
    ['InnerErrCode : [ -10021 ],InnerErrMsg: [ Params Error ]', -10021],
    ['err_code [-2],msg [small picture out of the background]', -2],
    ['InnerErrCode:[ -41 ],InnerErrMsg: [ too many mixes ]', -41],
    ['input stream num is not match the template id!', -20],
  ])('%j carries %i', (message, code) => {
    expect(embeddedLegacyCode(message)).toBe(code);
  });
  test.each(['', 'Params Error', 'code -505', 'err_code: -505'])('%j carries none', (message) => {
    expect(embeddedLegacyCode(message)).toBeUndefined();
  });
});

describe('classifyApiError: embedded legacy codes decide', () => {
  test.each([
    ['FailedOperation', 'err_code [ -505 ],msg [ input stream not found ]', -505],
    ['InvalidParameter.OtherError', 'InnerErrCode : [ -10031 ],InnerErrMsg: [ trigger mix failed ]', -10031],
    ['InvalidParameter', 'err_code [ -28 ],msg [ get background size failed ]', -28],
  ])('%s with %j retries as %i', (code, message, legacy) => {
    const info = classifyApiError(error(code, message), 'start');
    expect(info).toMatchObject({ code: legacy, class: 'retry', apiCode: code });
  });
  test('-2 embedded in InvalidParameter.OtherError is permanent and reported as -2', () => {
    const info = classifyApiError(
      error(
        'InvalidParameter.OtherError',
        'InnerErrCode : [ -2 ],InnerErrMsg: [ small picture out of the background ]',
      ),
      'start',
    );
    expect(info).toMatchObject({ code: -2, class: 'permanent', apiCode: 'InvalidParameter.OtherError' });
    expect(info.hint).toMatch(/overflows the background/);
  });
  test('an embedded number the legacy table does not know keeps the number; the API family decides', () => {
    expect(
      classifyApiError(error('FailedOperation', 'err_code [ -77777 ],msg [ ? ]'), 'start'),
    ).toMatchObject({
      code: -77777,
      class: 'retry',
    });
    expect(
      classifyApiError(error('InvalidParameter', 'err_code [ -77777 ],msg [ ? ]'), 'start'),
    ).toMatchObject({
      code: -77777,
      class: 'permanent',
    });
  });
  test.each([
    ['FailedOperation.CancelSessionNotExist', 'err_code [ -31005 ],msg [ session not exist ]', -31005],
    [
      'InvalidParameter.CancelSessionNotExist',
      'InnerErrCode : [ -30301 ],InnerErrMsg: [ no session ]',
      -30301,
    ],
  ])('%s with the unknown embedded %j is done on cancel, permanent on start', (code, message, embedded) => {
    expect(classifyApiError(error(code, message), 'cancel')).toMatchObject({
      code: embedded,
      class: 'done',
      apiCode: code,
    });
    expect(classifyApiError(error(code, message), 'start')).toMatchObject({
      code: embedded,
      class: 'permanent',
      apiCode: code,
    });
  });
  test('an unknown embedded number under a named code takes the named code’s legacy meaning', () => {
    // FailedOperation.StreamNotExist ≈ -505: retried as -505 is, and described as -505.
    const info = classifyApiError(
      error('FailedOperation.StreamNotExist', 'err_code [ -77777 ],msg [ stream not exist ]'),
      'start',
    );
    expect(info).toMatchObject({ code: -77777, class: 'retry', apiCode: 'FailedOperation.StreamNotExist' });
    expect(info.meaning).toBe(classifyApiError(error('FailedOperation.StreamNotExist'), 'start').meaning);
    expect(info.meaning).toMatch(/not found/);
  });
  test('an embedded cancel code means already done on cancel', () => {
    expect(
      classifyApiError(error('InvalidParameter', 'err_code [ -31001 ],msg [ no session ]'), 'cancel').class,
    ).toBe('done');
  });
});

type Class = 'retry' | 'permanent' | 'done';

/**
 * The reference's per-action table (§6.5), every code by name: handling on create and on cancel
 * (`null`: the reference lists no cancel handling, the code is not returned there). "retry
 * (bounded)" is `retry`: every retry is bounded by the job's attempts (src/tencent/errors.ts).
 * Without an embedded legacy code: those decide when present (tests above).
 */
const PER_ACTION_TABLE: [string, Class, Class | null][] = [
  ['FailedOperation', 'retry', 'retry'],
  ['FailedOperation.CallOtherSvrError', 'retry', 'retry'],
  ['FailedOperation.CallOtherSvrFailed', 'retry', 'retry'],
  ['FailedOperation.CancelSessionNotExist', 'permanent', 'done'],
  ['InvalidParameter.CancelSessionNotExist', 'permanent', 'done'],
  ['FailedOperation.GetPictureUrlError', 'permanent', null],
  ['FailedOperation.GetStreamResolutionError', 'retry', null],
  ['FailedOperation.ProcessMixError', 'retry', null],
  ['FailedOperation.StreamNotExist', 'retry', null],
  ['InternalError', 'retry', 'retry'],
  ['InternalError.JiFeiOtherError', 'permanent', null],
  ['InvalidParameter', 'permanent', 'permanent'],
  ['InvalidParameter.OtherError', 'permanent', 'permanent'],
  ['InvalidParameter.InputNumLimitExceeded', 'permanent', null],
  ['InvalidParameter.InvalidBackgroudResolution', 'permanent', null],
  ['InvalidParameter.InvalidBitrate', 'permanent', null],
  ['InvalidParameter.InvalidCropParam', 'permanent', null],
  ['InvalidParameter.InvalidLayerParam', 'permanent', null],
  ['InvalidParameter.InvalidOutputStreamID', 'permanent', null],
  ['InvalidParameter.InvalidOutputType', 'permanent', null],
  ['InvalidParameter.InvalidPictureID', 'permanent', null],
  ['InvalidParameter.InvalidRoundRectRadius', 'permanent', null],
  ['InvalidParameter.SessionOutputStreamChanged', 'permanent', null],
  ['InvalidParameter.TemplateNotMatchInputNum', 'permanent', null],
  ['ResourceNotFound.ForbidService', 'permanent', 'permanent'],
  ['ResourceNotFound.FreezeService', 'permanent', 'permanent'],
  ['ResourceNotFound.StopService', 'permanent', 'permanent'],
  ['ResourceNotFound.UserDisableService', 'permanent', 'permanent'],
];

/** The reference's common API 3.0 codes (§6.5): any action, so the same on create and cancel. */
const COMMON_TABLE: [string, Class][] = [
  ['AuthFailure.SignatureExpire', 'retry'],
  ['AuthFailure.SignatureFailure', 'permanent'],
  ['AuthFailure.SecretIdNotFound', 'permanent'],
  ['RequestLimitExceeded', 'retry'],
  ['LimitExceeded.RateLimitExceeded', 'retry'],
  ['ServiceUnavailable', 'retry'],
  ['InternalError', 'retry'],
];

const REFERENCE_TABLE: [string, Class, Class | null][] = [
  ...PER_ACTION_TABLE,
  ...COMMON_TABLE.map(([code, handling]): [string, Class, Class] => [code, handling, handling]),
];

describe('classifyApiError: named codes without an embedded number', () => {
  test.each(REFERENCE_TABLE)('%s: %s on create, %s on cancel', (code, onCreate, onCancel) => {
    const created = classifyApiError(error(code, 'some message'), 'start');
    expect(created.class).toBe(onCreate);
    expect(created.apiCode).toBe(code);
    // Catalogued: not counted as unknown.
    expect(created.unknown).toBeUndefined();
    // No cancel column: the code is handled on cancel as on create.
    expect(classifyApiError(error(code, 'some message'), 'cancel').class).toBe(onCancel ?? onCreate);
  });

  test('ServiceUnavailable and InternalError are platform hiccups: retried, reported as themselves', () => {
    for (const code of ['ServiceUnavailable', 'InternalError']) {
      for (const op of ['start', 'cancel'] as const) {
        expect(classifyApiError(error(code, '当前服务暂时不可用'), op)).toMatchObject({
          code,
          class: 'retry',
          apiCode: code,
        });
      }
    }
  });

  test.each([
    ['InvalidParameter.SessionOutputStreamChanged', -508],
    ['FailedOperation.CancelSessionNotExist', -30300],
    ['InvalidParameter.InvalidLayerParam', -11],
    ['InvalidParameter.InvalidCropParam', -29],
    ['InvalidParameter.TemplateNotMatchInputNum', -20],
    ['InvalidParameter.InvalidOutputType', -111],
    ['FailedOperation.GetStreamResolutionError', -507],
  ])('%s is reported as the legacy %i', (code, legacy) => {
    expect(classifyApiError(error(code), 'start').code).toBe(legacy);
  });

  test.each([
    ['RequestLimitExceeded', 'throttled'],
    ['LimitExceeded.RateLimitExceeded', 'throttled'],
    ['RequestLimitExceeded.UinLimitExceeded', 'throttled'],
    ['AuthFailure.SignatureExpire', 'time_expired'],
  ])('%s is reported as the transport code %s', (code, transport) => {
    expect(classifyApiError(error(code), 'start')).toMatchObject({ code: transport, class: 'retry' });
  });

  test('codes with no legacy number are reported as themselves', () => {
    expect(classifyApiError(error('AuthFailure.SignatureFailure'), 'start')).toMatchObject({
      code: 'AuthFailure.SignatureFailure',
      class: 'permanent',
      apiCode: 'AuthFailure.SignatureFailure',
    });
    expect(classifyApiError(error('InternalError'), 'cancel').code).toBe('InternalError');
  });

  test('an unknown code is permanent, reported as itself and marked unknown', () => {
    expect(classifyApiError(error('UnsupportedOperation.Whatever'), 'start')).toMatchObject({
      code: 'UnsupportedOperation.Whatever',
      class: 'permanent',
      unknown: true,
    });
    expect(classifyApiError(error('Something'), 'cancel')).toMatchObject({
      class: 'permanent',
      unknown: true,
    });
  });

  test.each([
    ['InternalError.DBError', 'start', 'retry'],
    ['ServiceUnavailable.Maintenance', 'cancel', 'retry'],
    ['InvalidParameter.NewThing', 'start', 'permanent'],
  ] as const)(
    'an unknown sub-code of a known family takes the family’s class, and is marked unknown: %s on a %s',
    (code, op, klass) => {
      expect(classifyApiError(error(code), op)).toMatchObject({ class: klass, unknown: true });
    },
  );

  test('an embedded number no table knows is marked unknown; a known one is not', () => {
    expect(classifyApiError(error('FailedOperation', 'err_code [ -77777 ],msg [ ? ]'), 'start').unknown).toBe(
      true,
    );
    expect(
      classifyApiError(error('FailedOperation', 'err_code [ -505 ],msg [ ? ]'), 'start').unknown,
    ).toBeUndefined();
  });
});
