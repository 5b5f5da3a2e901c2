import { describe, expect, test } from 'vitest';
import { LIMITS, type MixLimits } from '../tencent/limits.js';
import type { MixPlan, Tile } from './plan.js';
import { validatePlan } from './validate.js';

/** A valid PiP plan: a 540x960 main and one guest in the MLVB spot, cropped from 640x360. */
function pipPlan(): MixPlan {
  return {
    preset: 'pip',
    templateId: 0,
    outputStreamId: 'host',
    outputType: 0,
    canvas: { width: 540, height: 960 },
    inputs: [
      { streamId: 'host', layer: 1, inputType: 0, role: 'main' },
      {
        streamId: 'guest',
        layer: 2,
        inputType: 0,
        role: 'guest',
        slot: 0,
        rect: { x: 380, y: 630, width: 160, height: 240 },
        crop: { x: 200, y: 0, width: 240, height: 360 },
        source: { width: 640, height: 360 },
      },
    ],
  };
}

function gridPlan(): MixPlan {
  return {
    preset: 'grid',
    templateId: 0,
    outputStreamId: 'a',
    outputType: 0,
    canvas: { width: 1280, height: 720 },
    inputs: [
      {
        streamId: 'mk_canvas',
        layer: 1,
        inputType: 3,
        role: 'canvas',
        rect: { x: 0, y: 0, width: 1280, height: 720 },
        color: '0x000000',
      },
      {
        streamId: 'a',
        layer: 2,
        inputType: 0,
        role: 'guest',
        slot: 0,
        rect: { x: 0, y: 0, width: 640, height: 720 },
      },
      {
        streamId: 'b',
        layer: 3,
        inputType: 0,
        role: 'guest',
        slot: 1,
        rect: { x: 640, y: 0, width: 640, height: 720 },
      },
    ],
  };
}

function withInput(plan: MixPlan, index: number, change: Partial<Tile>): MixPlan {
  return { ...plan, inputs: plan.inputs.map((t, i) => (i === index ? { ...t, ...change } : t)) };
}

function expectCode(plan: MixPlan, code: number, message?: RegExp, limits: MixLimits = LIMITS.legacy) {
  const result = validatePlan(plan, limits);
  expect(result).toMatchObject({ ok: false, code, message: expect.stringMatching(message ?? /./) });
}

describe('validatePlan accepts', () => {
  test('a PiP plan with a crop inside its source', () => {
    expect(validatePlan(pipPlan(), LIMITS.legacy)).toEqual({ ok: true });
  });

  test('a grid plan on a canvas', () => {
    expect(validatePlan(gridPlan(), LIMITS.legacy)).toEqual({ ok: true });
  });

  test('fractions of the background within [0.01, 0.99]', () => {
    const plan = withInput(pipPlan(), 1, { rect: { x: 0.5, y: 0.5, width: 0.25, height: 0.25 } });
    expect(validatePlan(plan, LIMITS.legacy)).toEqual({ ok: true });
  });

  test('a type 1 output that is not an input, with a bitrate in range', () => {
    const plan: MixPlan = { ...pipPlan(), outputType: 1, outputStreamId: 'r1_mix', bitrate: 50000 };
    expect(validatePlan(plan, LIMITS.legacy)).toEqual({ ok: true });
  });
});

describe('validatePlan refuses with the platform’s code', () => {
  test('-3: no inputs at all', () => {
    expectCode({ ...pipPlan(), inputs: [] }, -3, /0 inputs/);
  });

  test('-3: seventeen inputs', () => {
    const inputs: Tile[] = Array.from({ length: 17 }, (_, i) => ({
      streamId: `s${i}`,
      layer: i + 1,
      inputType: 0,
      role: 'guest',
    }));
    expectCode({ ...pipPlan(), inputs }, -3, /17 inputs/);
  });

  test('-21: a single input', () => {
    expectCode({ ...pipPlan(), inputs: pipPlan().inputs.slice(0, 1) }, -21, /one input \(host\)/);
  });

  test('-4: a stream id with a dash', () => {
    expectCode(withInput(pipPlan(), 1, { streamId: 'guest-1' }), -4, /"guest-1"/);
  });

  test('-4: a stream id of 81 characters', () => {
    expectCode(withInput(pipPlan(), 1, { streamId: 'g'.repeat(81) }), -4);
  });

  test('-4: the same stream twice', () => {
    expectCode(withInput(pipPlan(), 1, { streamId: 'host' }), -4, /host is listed twice/);
  });

  test('-4: input_type 1 does not exist', () => {
    expectCode(withInput(pipPlan(), 1, { inputType: 1 as 0 }), -4, /input_type 1/);
  });

  test('-4: a tile wider than 3000 px', () => {
    expectCode(
      withInput(gridPlan(), 1, { rect: { x: 0, y: 0, width: 3001, height: 720 } }),
      -4,
      /width 3001/,
    );
  });

  test('-4: a tile of zero width', () => {
    expectCode(withInput(gridPlan(), 1, { rect: { x: 0, y: 0, width: 0, height: 720 } }), -4, /0×720/);
  });

  test('-4: an output id with a space', () => {
    expectCode({ ...pipPlan(), outputStreamId: 'my mix' }, -4, /"my mix"/);
  });

  test('-4: a plan canvas that differs from its canvas input', () => {
    expectCode({ ...gridPlan(), canvas: { width: 640, height: 360 } }, -4, /differs from canvas mk_canvas/);
  });

  test('-11: two inputs on one layer', () => {
    expectCode(withInput(gridPlan(), 2, { layer: 2 }), -11, /a and b are both on layer 2/);
  });

  test('-11: layer 17', () => {
    expectCode(withInput(gridPlan(), 2, { layer: 17 }), -11, /layer 17/);
  });

  test('-11: layer 0', () => {
    expectCode(withInput(gridPlan(), 2, { layer: 0 }), -11, /layer 0/);
  });

  test('-11: nothing on layer 1', () => {
    expectCode(withInput(pipPlan(), 0, { layer: 3 }), -11, /no input is on layer 1/);
  });

  test('-20: template 410 with three inputs', () => {
    expectCode({ ...gridPlan(), templateId: 410 }, -20, /template 410 lays out 4 inputs, but the mix has 3/);
  });

  test('-20: a template id Tencent does not have', () => {
    expectCode({ ...pipPlan(), templateId: 11 }, -20, /template 11/);
  });

  test('-20: template 390 without a canvas on layer 1', () => {
    const plan = pipPlan();
    plan.inputs.push({ streamId: 'third', layer: 3, inputType: 0, role: 'guest' });
    expectCode({ ...plan, templateId: 390 }, -20, /needs a canvas on layer 1, but layer 1 is host/);
  });

  test('-20: a canvas colour that is not 0xRRGGBB', () => {
    expectCode(withInput(gridPlan(), 0, { color: '#000000' }), -20, /colour "#000000"/);
  });

  test('-28: an audio-only stream as the background', () => {
    expectCode(withInput(pipPlan(), 0, { inputType: 4 }), -28, /audio-only mix needs a canvas/);
  });

  test('-28: a canvas without a size', () => {
    const { rect: _rect, ...canvas } = gridPlan().inputs[0] as Tile;
    const plan = gridPlan();
    plan.inputs[0] = canvas;
    expectCode(plan, -28, /canvas mk_canvas has no width and height/);
  });

  test('-33: a picture without its watermark id', () => {
    const plan = gridPlan();
    plan.inputs.push({
      streamId: 'logo',
      layer: 4,
      inputType: 2,
      role: 'picture',
      rect: { x: 0, y: 0, width: 100, height: 100 },
    });
    expectCode(plan, -33, /picture logo/);
  });

  test('-2: a guest tile hanging off the right edge', () => {
    expectCode(
      withInput(pipPlan(), 1, { rect: { x: 400, y: 630, width: 160, height: 240 } }),
      -2,
      /guest's 160×240 tile at \(400, 630\) reaches \(560, 870\), outside the 540×960 background/,
    );
  });

  test('-2: a fraction tile that overflows the background', () => {
    expectCode(withInput(pipPlan(), 1, { rect: { x: 0.9, y: 0.1, width: 0.2, height: 0.2 } }), -2);
  });

  test('-29: a crop reaching past its source', () => {
    expectCode(
      withInput(pipPlan(), 1, { crop: { x: 500, y: 0, width: 240, height: 360 } }),
      -29,
      /crop 240×360 at \(500, 0\) reaches \(740, 360\), outside its 640×360 source/,
    );
  });

  test('-29: an empty crop', () => {
    expectCode(withInput(pipPlan(), 1, { crop: { x: 0, y: 0, width: 0, height: 360 } }), -29);
  });

  test('-111: output type 0 on a stream that is not an input', () => {
    expectCode({ ...pipPlan(), outputStreamId: 'elsewhere' }, -111, /elsewhere is not one of them/);
  });

  test('-111: output type 0 on the canvas label', () => {
    expectCode({ ...gridPlan(), outputStreamId: 'mk_canvas' }, -111);
  });

  test('-111: output type 1 on one of the inputs', () => {
    expectCode({ ...pipPlan(), outputType: 1 }, -111, /host is one of the inputs/);
  });

  test('-31004: bitrate 0', () => {
    expectCode({ ...pipPlan(), bitrate: 0 }, -31004, /bitrate 0 kbps/);
  });

  test('-31004: bitrate 50001', () => {
    expectCode({ ...pipPlan(), bitrate: 50001 }, -31004);
  });

  test('-31004: a fractional bitrate', () => {
    expectCode({ ...pipPlan(), bitrate: 1500.5 }, -31004);
  });
});

/** A grid plan scaled to a canvas of `width`×`height`: canvas, two tiles side by side. */
function wideGrid(width: number, height: number): MixPlan {
  const half = width / 2;
  const plan = gridPlan();
  return {
    ...plan,
    canvas: { width, height },
    inputs: [
      { ...(plan.inputs[0] as Tile), rect: { x: 0, y: 0, width, height } },
      { ...(plan.inputs[1] as Tile), rect: { x: 0, y: 0, width: half, height } },
      { ...(plan.inputs[2] as Tile), rect: { x: half, y: 0, width: half, height } },
    ],
  };
}

describe('validatePlan by mix API: Cloud API 3.0 refuses what Mix_StreamV2 takes (reference §6.2)', () => {
  const api3 = LIMITS.api3;

  test('a 2400×1350 grid: accepted on Mix_StreamV2, -4 naming the 2000 px limit on Cloud API 3.0', () => {
    expect(validatePlan(wideGrid(2400, 1350), LIMITS.legacy)).toEqual({ ok: true });
    expectCode(
      wideGrid(2400, 1350),
      -4,
      /width 2400 is neither pixels in \[0, 2000\].* on Cloud API 3\.0/,
      api3,
    );
  });

  test('a 2000×1125 grid is within both', () => {
    expect(validatePlan(wideGrid(2000, 1124), api3)).toEqual({ ok: true });
  });

  test('a PiP on a 2560×1440 main: the canvas is over 2000 px on Cloud API 3.0', () => {
    const plan: MixPlan = { ...pipPlan(), canvas: { width: 2560, height: 1440 } };
    expect(validatePlan(plan, LIMITS.legacy)).toEqual({ ok: true });
    expectCode(
      plan,
      -4,
      /output picture is 2560×1440; each side must be 1 to 2000 px on Cloud API 3\.0/,
      api3,
    );
  });

  test('a crop from a 2560×1440 source: -10021, the input is over 2000 px a side', () => {
    const plan = withInput(pipPlan(), 1, {
      crop: { x: 1067, y: 0, width: 427, height: 640 },
      source: { width: 2560, height: 1440 },
    });
    expect(validatePlan(plan, LIMITS.legacy)).toEqual({ ok: true });
    expectCode(
      plan,
      -10021,
      /guest is 2560×1440; Cloud API 3\.0 takes inputs of at most 2000 px a side/,
      api3,
    );
  });

  test('a crop reaching past 2000 px: -29 on Cloud API 3.0', () => {
    const plan = withInput(pipPlan(), 1, {
      crop: { x: 2040, y: 0, width: 240, height: 360 },
      source: { width: 1999, height: 2000 },
    });
    expectCode(plan, -29, /within \[0, 2000\] on Cloud API 3\.0/, api3);
  });

  test('bitrate 20000: accepted on Mix_StreamV2, -31004 naming [1, 10000] on Cloud API 3.0', () => {
    const plan: MixPlan = { ...pipPlan(), bitrate: 20000 };
    expect(validatePlan(plan, LIMITS.legacy)).toEqual({ ok: true });
    expectCode(plan, -31004, /bitrate 20000 kbps is outside \[1, 10000\] on Cloud API 3\.0/, api3);
    expect(validatePlan({ ...pipPlan(), bitrate: 10000 }, api3)).toEqual({ ok: true });
  });
});
