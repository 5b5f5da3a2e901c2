import { describe, expect, test } from 'vitest';
import { cancelBody, mixRequestUrl, parseMixResponse, startBody } from './mix-stream-v2.js';

describe('mixRequestUrl', () => {
  test('carries appid, the interface, t a minute ahead and md5(key + t)', () => {
    const url = new URL(
      mixRequestUrl(
        'http://fcgi.video.qcloud.com/common_access',
        1252500000,
        '40328529ca4381a80c6ecf2e6aa57438',
        1490858287_000,
      ),
    );
    expect(url.pathname).toBe('/common_access');
    expect(url.searchParams.get('appid')).toBe('1252500000');
    expect(url.searchParams.get('interface')).toBe('Mix_StreamV2');
    expect(url.searchParams.get('t')).toBe('1490858347');
    expect(url.searchParams.get('sign')).toBe('7f29ed83c61b77de1b0d66936fd4fd44');
  });
});

describe('startBody', () => {
  test('builds the seed example: background layer 1, a small picture with geometry and crop', () => {
    const body = startBody(
      {
        outputStreamId: 'stream_lewis01',
        outputType: 0,
        templateId: 0,
        inputs: [
          { streamId: 'stream_lewis01', layer: 1, inputType: 0 },
          {
            streamId: 'stream_lewis02',
            layer: 2,
            inputType: 0,
            rect: { x: 380, y: 630, width: 160, height: 240 },
            crop: { x: 100, y: 1, width: 200, height: 100 },
          },
          { streamId: 'voice', layer: 3, inputType: 4 },
        ],
      },
      { appId: 1252500000, sessionId: 'lewis_room', nowMs: 1490079362_000, eventId: 7 },
    );
    expect(body).toEqual({
      timestamp: 1490079362,
      eventId: 7,
      interface: {
        interfaceName: 'Mix_StreamV2',
        para: {
          app_id: 1252500000,
          interface: 'mix_streamv2.start_mix_stream_advanced',
          mix_stream_session_id: 'lewis_room',
          output_stream_id: 'stream_lewis01',
          output_stream_type: 0,
          input_stream_list: [
            { input_stream_id: 'stream_lewis01', layout_params: { image_layer: 1 } },
            {
              input_stream_id: 'stream_lewis02',
              layout_params: {
                image_layer: 2,
                image_width: 160,
                image_height: 240,
                location_x: 380,
                location_y: 630,
              },
              crop_params: { crop_width: 200, crop_height: 100, crop_x: 100, crop_y: 1 },
            },
            { input_stream_id: 'voice', layout_params: { image_layer: 3, input_type: 4 } },
          ],
        },
      },
    });
  });

  test('canvas colour, template id and bitrate are carried; eventId is never 0', () => {
    const body = startBody(
      {
        outputStreamId: 'room_mix',
        outputType: 1,
        templateId: 390,
        bitrate: 1500,
        inputs: [
          {
            streamId: 'canvas1',
            layer: 1,
            inputType: 3,
            color: '0x000000',
            rect: { x: 0, y: 0, width: 400, height: 640 },
          },
        ],
      },
      { appId: 1, sessionId: 's', nowMs: 0 },
    );
    expect(body.eventId).not.toBe(0);
    expect(body.interface.para).toMatchObject({
      mix_stream_template_id: 390,
      output_stream_bitrate: 1500,
      output_stream_type: 1,
    });
    expect(body.interface.para.input_stream_list[0]?.layout_params).toMatchObject({
      input_type: 3,
      color: '0x000000',
    });
  });
});

describe('cancelBody', () => {
  test('names the session and its output', () => {
    expect(
      cancelBody('host_a', { appId: 9, sessionId: 'room_42_3', nowMs: 1000_000 }).interface.para,
    ).toEqual({
      app_id: 9,
      interface: 'mix_streamv2.cancel_mix_stream',
      mix_stream_session_id: 'room_42_3',
      output_stream_id: 'host_a',
    });
  });
});

describe('parseMixResponse', () => {
  test('reads the documented success and error shapes', () => {
    expect(
      parseMixResponse('{"code":0, "message":"Success!", "event_id": "1527240138","timestamp":1490079362}'),
    ).toEqual({
      ok: true,
      response: { code: 0, message: 'Success!', event_id: '1527240138', timestamp: 1490079362 },
    });
    const err = parseMixResponse('{"code":-505,"message":"stream not found"}');
    expect(err.ok && err.response.code).toBe(-505);
  });
  test('plain text such as "time expired" is not a response', () => {
    expect(parseMixResponse('time expired')).toEqual({ ok: false, raw: 'time expired' });
    expect(parseMixResponse('{"message":"no code"}').ok).toBe(false);
  });
});
