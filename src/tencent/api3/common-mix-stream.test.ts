import { describe, expect, test } from 'vitest';
import { coverCrop } from '../../layout/cover-fit.js';
import { PIP_SPEC } from '../../sim/index.js';
import type { MixSpec } from '../mix-spec.js';
import { startBody } from '../mix-stream-v2.js';
import {
  asksForCoverFit,
  cancelCommonMixStreamRequestSchema,
  cancelMixStreamRequest,
  createCommonMixStreamRequestSchema,
  createMixStreamRequest,
} from './common-mix-stream.js';

/** The tests' PiP room with a voice-only guest added. */
const PIP: MixSpec = {
  ...PIP_SPEC,
  inputs: [...PIP_SPEC.inputs, { streamId: 'voice_c', layer: 3, inputType: 4 }],
};

describe('createMixStreamRequest', () => {
  test('maps inputs, layout, output and template to the API 3.0 names, and is valid by the schema', () => {
    const body = createMixStreamRequest('room_1_e1', { ...PIP, templateId: 20, bitrate: 1500 });
    expect(createCommonMixStreamRequestSchema.parse(body)).toEqual(body);
    expect(body).toEqual({
      MixStreamSessionId: 'room_1_e1',
      InputStreamList: [
        { InputStreamName: 'host_a', LayoutParams: { ImageLayer: 1 } },
        {
          InputStreamName: 'guest_b',
          LayoutParams: { ImageLayer: 2, ImageWidth: 160, ImageHeight: 240, LocationX: 380, LocationY: 630 },
        },
        { InputStreamName: 'voice_c', LayoutParams: { ImageLayer: 3, InputType: 4 } },
      ],
      OutputParams: { OutputStreamName: 'host_a', OutputStreamType: 0, OutputStreamBitRate: 1500 },
      MixStreamTemplateId: 20,
    });
  });

  test('canvas colour, picture id and crop travel as Color, WatermarkId and CropParams', () => {
    const body = createMixStreamRequest('s', {
      outputStreamId: 'room_mix',
      outputType: 1,
      templateId: 0,
      inputs: [
        {
          streamId: 'canvas',
          layer: 1,
          inputType: 3,
          color: '0x000000',
          rect: { x: 0, y: 0, width: 720, height: 640 },
        },
        {
          streamId: 'logo',
          layer: 2,
          inputType: 2,
          pictureId: 7,
          rect: { x: 0, y: 0, width: 100, height: 50 },
        },
        {
          streamId: 'a',
          layer: 3,
          inputType: 0,
          rect: { x: 0, y: 0, width: 360, height: 640 },
          crop: { x: 0, y: 0, width: 720, height: 1280 },
        },
      ],
    });
    expect(createCommonMixStreamRequestSchema.parse(body)).toEqual(body);
    expect(body.InputStreamList[0]?.LayoutParams).toMatchObject({ InputType: 3, Color: '0x000000' });
    expect(body.InputStreamList[1]?.LayoutParams).toMatchObject({ InputType: 2, WatermarkId: 7 });
    expect(body.InputStreamList[2]?.CropParams).toEqual({
      CropWidth: 720,
      CropHeight: 1280,
      CropStartLocationX: 0,
      CropStartLocationY: 0,
    });
    expect(body.OutputParams.OutputStreamType).toBe(1);
    expect(body).not.toHaveProperty('MixStreamTemplateId');
  });

  test('sends the same inputs, layers and geometry as the legacy body', () => {
    const legacy = startBody(PIP, { appId: 1, sessionId: 's', nowMs: 0 }).interface.para.input_stream_list;
    const api3 = createMixStreamRequest('s', PIP).InputStreamList;
    expect(
      api3.map((i) => [i.InputStreamName, i.LayoutParams.ImageLayer, i.LayoutParams.ImageWidth]),
    ).toEqual(
      legacy.map((i) => [i.input_stream_id, i.layout_params.image_layer, i.layout_params.image_width]),
    );
  });
});

describe('cover fit → ControlParams.UseMixCropCenter', () => {
  const withCrop = (source: { width: number; height: number }, tile: { width: number; height: number }) => {
    const crop = coverCrop(source, tile);
    const spec: MixSpec = {
      ...PIP,
      inputs: [
        { streamId: 'host_a', layer: 1, inputType: 0 },
        {
          streamId: 'guest_b',
          layer: 2,
          inputType: 0,
          rect: { x: 0, y: 0, ...tile },
          ...(crop ? { crop } : {}),
        },
      ],
    };
    return { crop, spec };
  };

  test.each([
    [
      { width: 720, height: 1280 },
      { width: 160, height: 160 },
    ],
    [
      { width: 1920, height: 1080 },
      { width: 160, height: 240 },
    ],
    [
      { width: 641, height: 479 },
      { width: 333, height: 187 },
    ],
    [
      { width: 480, height: 640 },
      { width: 360, height: 640 },
    ],
  ])('a crop the layout engine cut from %o for a %o tile asks for it', (source, tile) => {
    const { crop, spec } = withCrop(source, tile);
    expect(crop).toBeDefined();
    expect(asksForCoverFit(spec)).toBe(true);
    expect(createMixStreamRequest('s', spec).ControlParams).toEqual({ UseMixCropCenter: 1 });
  });

  test('no crop (same aspect) → no ControlParams', () => {
    const { crop, spec } = withCrop({ width: 720, height: 1280 }, { width: 180, height: 320 });
    expect(crop).toBeUndefined();
    expect(createMixStreamRequest('s', spec)).not.toHaveProperty('ControlParams');
  });

  test('a crop of another shape than its tile does not ask for cover fit', () => {
    const spec: MixSpec = {
      ...PIP,
      inputs: [
        { streamId: 'host_a', layer: 1, inputType: 0 },
        {
          streamId: 'guest_b',
          layer: 2,
          inputType: 0,
          rect: { x: 0, y: 0, width: 160, height: 240 },
          crop: { x: 0, y: 0, width: 400, height: 400 },
        },
      ],
    };
    expect(asksForCoverFit(spec)).toBe(false);
  });
});

test('cancelMixStreamRequest carries only the session id', () => {
  const body = cancelMixStreamRequest('room_1_e3');
  expect(cancelCommonMixStreamRequestSchema.parse(body)).toEqual({ MixStreamSessionId: 'room_1_e3' });
});
