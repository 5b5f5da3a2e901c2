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

/** The reference's per-action table (§6.5): code → handling on create and on cancel. */
const REFERENCE_TABLE: [string, 'retry' | 'permanent', 'retry' | 'permanent' | 'done' | null][] = [
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
  ['InvalidParameter', 'permanent', null],
  ['InvalidParameter.OtherError', 'permanent', null],
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
  ['AuthFailure.SignatureExpire', 'retry', 'retry'],
  ['AuthFailure.SignatureFailure', 'permanent', 'permanent'],
  ['AuthFailure.SecretIdNotFound', 'permanent', 'permanent'],
  ['RequestLimitExceeded', 'retry', 'retry'],
  ['LimitExceeded.RateLimitExceeded', 'retry', 'retry'],
];

describe('classifyApiError: named codes without an embedded number', () => {
  test.each(REFERENCE_TABLE)('%s: %s on create, %s on cancel', (code, onCreate, onCancel) => {
    const created = classifyApiError(error(code, 'some message'), 'start');
    expect(created.class).toBe(onCreate);
    expect(created.apiCode).toBe(code);
    // No cancel column: the code is handled on cancel as on create.
    expect(classifyApiError(error(code, 'some message'), 'cancel').class).toBe(onCancel ?? onCreate);
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

  test('an unknown code is permanent', () => {
    expect(classifyApiError(error('UnsupportedOperation.Whatever'), 'start').class).toBe('permanent');
    expect(classifyApiError(error('Something'), 'cancel').class).toBe('permanent');
  });
});
