import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createMixStreamRequest } from '../tencent/api3/common-mix-stream.js';
import { startBody } from '../tencent/mix-stream-v2.js';
import { type CommandIo, parseLayoutArgs, run } from './layout.js';

function capture(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env,
    now: () => 1_700_000_000_000,
  };
  return { io, out, err };
}

async function runWith(args: string[], env: Record<string, string> = {}) {
  const c = capture(env);
  const code = await run(args, c.io);
  return { code, stdout: c.out.join('\n'), stderr: c.err };
}

describe('mixkeeper layout flags', () => {
  test('builds a room from the flags: join order, main, media and sizes', () => {
    const parsed = parseLayoutArgs([
      '--streams',
      'host,g1,g2,g3',
      '--main',
      'host',
      '--audio',
      'g2',
      '--video',
      'g3',
      '--size',
      'host=540x960,g1=640x360',
      '--canvas',
      '1280x720',
      '--output-type',
      '1',
      '--room',
      'studio',
      '--preset',
      'grid',
    ]);
    expect(parsed).toEqual({
      kind: 'run',
      format: 'json',
      backend: 'legacy',
      snapshot: {
        roomId: 'studio',
        config: { preset: 'grid', canvas: { width: 1280, height: 720 }, output: { type: 1 } },
        streams: [
          { streamId: 'host', role: 'main', media: 'av', joinedAt: 0, width: 540, height: 960 },
          { streamId: 'g1', role: 'guest', media: 'av', joinedAt: 1000, width: 640, height: 360 },
          { streamId: 'g2', role: 'guest', media: 'audio', joinedAt: 2000, width: 0, height: 0 },
          { streamId: 'g3', role: 'guest', media: 'video', joinedAt: 3000, width: 0, height: 0 },
        ],
      },
    });
  });

  test.each([
    [['--streams', 'a,b', '--bogus'], /bogus/],
    [['--preset', 'grid'], /--streams is required/],
    [['--streams', 'a,b-c'], /"b-c" is not a stream id/],
    [['--streams', 'a,a'], /names a twice/],
    [['--streams', 'a,b', '--main', 'c'], /--main: c is not one of --streams/],
    [['--streams', 'a,b', '--audio', 'z'], /--audio: z is not one of --streams/],
    [['--streams', 'a,b', '--audio', 'a', '--video', 'a'], /a is in both --audio and --video/],
    [['--streams', 'a,b', '--canvas', '1280*720'], /--canvas: "1280\*720"/],
    [['--streams', 'a,b', '--canvas', '8x8'], /sides 16 to 3000 \(Mix_StreamV2\)/],
    [
      ['--streams', 'a,b', '--backend', 'api3', '--canvas', '2400x1350'],
      /sides 16 to 2000 \(Cloud API 3\.0\)/,
    ],
    [['--streams', 'a,b', '--backend', 'v2'], /--backend: "v2" is neither legacy nor api3/],
    [['--streams', 'a,b', '--size', 'a=wide'], /--size: "a=wide" is not ID=WIDTHxHEIGHT/],
    [['--streams', 'a,b', '--size', 'c=640x360'], /--size: c is not one of --streams/],
    [['--streams', 'a,b', '--preset', 'mosaic'], /--preset: "mosaic"/],
    // the names the rooms API and mix_layout take: a template the platform has, by number
    [['--streams', 'a,b', '--preset', 'template:999'], /--preset: "template:999" .*\(10, 20/],
    [['--streams', 'a,b', '--room', 'r'.repeat(65)], /--room: .* is not 1-64 letters/],
    [['--streams', 'a,b', '--output-type', '2'], /--output-type: "2"/],
    [['--streams', 'a,b', '--room', 'my-room'], /--room: "my-room"/],
    [['--streams', 'a,b', '--format', 'yaml'], /--format: "yaml"/],
    [['--streams', 'a,b', 'extra'], /extra/],
  ])('%j is refused with one clear line and exit 2', async (args, message) => {
    const { code, stdout, stderr } = await runWith(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(/^mixkeeper layout: /);
    expect(stderr[0]).toMatch(message);
    expect(stderr[0]).not.toContain('\n');
  });

  test('the backend follows TENCENT_MIX_BACKEND unless --backend says otherwise', () => {
    const api3 = { TENCENT_MIX_BACKEND: 'api3' };
    expect(parseLayoutArgs(['--streams', 'a,b'], api3)).toMatchObject({ kind: 'run', backend: 'api3' });
    expect(parseLayoutArgs(['--streams', 'a,b', '--backend', 'legacy'], api3)).toMatchObject({
      backend: 'legacy',
    });
    expect(parseLayoutArgs(['--streams', 'a,b', '--canvas', '2400x1350'])).toMatchObject({ kind: 'run' });
    expect(parseLayoutArgs(['--streams', 'a,b', '--canvas', '2400x1350'], api3)).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/--canvas: .* 16 to 2000 \(Cloud API 3\.0\)/),
    });
  });

  test('--help prints the usage and exits 0', async () => {
    const { code, stdout } = await runWith(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: mixkeeper layout --streams/);
    expect(stdout).toContain('--format FMT');
  });
});

describe('mixkeeper layout output', () => {
  test('json prints the plan', async () => {
    const { code, stdout } = await runWith(['--streams', 'a,b,c', '--preset', 'grid']);
    expect(code).toBe(0);
    const plan = JSON.parse(stdout);
    expect(plan).toMatchObject({ preset: 'grid', outputStreamId: 'a', canvas: { width: 1280, height: 720 } });
    expect(plan.inputs.map((t: { streamId: string }) => t.streamId)).toEqual(['mk_canvas', 'a', 'b', 'c']);
  });

  test('body prints the exact Mix_StreamV2 start body with TENCENT_APPID and session <room>_1', async () => {
    const { code, stdout, stderr } = await runWith(
      ['--streams', 'host,g', '--main', 'host', '--room', 'studio', '--format', 'body'],
      { TENCENT_APPID: '1250000000' },
    );
    expect(code).toBe(0);
    expect(stderr).toEqual([]);
    const body = JSON.parse(stdout);
    const plan = JSON.parse(
      (await runWith(['--streams', 'host,g', '--main', 'host', '--room', 'studio'])).stdout,
    );
    expect(body).toEqual(
      startBody(plan, { appId: 1250000000, sessionId: 'studio_1', nowMs: 1_700_000_000_000 }),
    );
    expect(body.interface.para).toMatchObject({
      app_id: 1250000000,
      mix_stream_session_id: 'studio_1',
      output_stream_id: 'host',
      input_stream_list: [
        { input_stream_id: 'host', layout_params: { image_layer: 1 } },
        {
          input_stream_id: 'g',
          layout_params: {
            image_layer: 2,
            image_width: 160,
            image_height: 240,
            location_x: 380,
            location_y: 630,
          },
        },
      ],
    });
  });

  test('body under api3 prints the CreateCommonMixStream parameters the api3 backend sends', async () => {
    const args = ['--streams', 'host,g', '--main', 'host', '--size', 'host=540x960,g=640x360'];
    const { code, stdout, stderr } = await runWith([...args, '--format', 'body', '--backend', 'api3']);
    expect(code).toBe(0);
    expect(stderr).toEqual([]);
    const plan = JSON.parse((await runWith([...args, '--backend', 'api3'])).stdout);
    const body = JSON.parse(stdout);
    expect(body).toEqual(createMixStreamRequest('room_1', plan));
    expect(body).toMatchObject({
      MixStreamSessionId: 'room_1',
      OutputParams: { OutputStreamName: 'host', OutputStreamType: 0 },
      InputStreamList: [
        { InputStreamName: 'host' },
        { InputStreamName: 'g', CropParams: { CropWidth: 540 } },
      ],
    });
  });

  test('a source over 2000 px is left out under api3, with the limit named', async () => {
    const args = [
      '--streams',
      'host,g,big',
      '--main',
      'host',
      '--size',
      'big=2560x1440',
      '--format',
      'explain',
    ];
    const legacy = await runWith(args);
    expect(legacy.stdout).not.toMatch(/big left out/);
    const api3 = await runWith([...args, '--backend', 'api3']);
    expect(api3.stdout.split('\n')).toContain(
      "big left out: its 2560×1440 picture is over Cloud API 3.0's input limit of 2000 px a side",
    );
  });

  test('body without TENCENT_APPID uses app_id 0 and says it is a placeholder', async () => {
    const { code, stdout, stderr } = await runWith(['--streams', 'a,b', '--format', 'body']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).interface.para.app_id).toBe(0);
    expect(stderr.join('\n')).toMatch(/placeholder/);
  });

  test('svg prints a picture of the plan', async () => {
    const { code, stdout } = await runWith(['--streams', 'host,g', '--main', 'host', '--format', 'svg']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^<svg /);
    expect(stdout).toContain('data-stream="g"');
  });

  test('explain prints the reasons', async () => {
    const { code, stdout } = await runWith([
      '--streams',
      'host,g',
      '--main',
      'host',
      '--audio',
      'g',
      '--format',
      'explain',
    ]);
    expect(code).toBe(0);
    expect(stdout.split('\n')).toContain(
      'g is audio-only (its push has no picture): mixed as sound (input_type 4), no tile',
    );
  });

  test('a room with no mix exits 1 and says why on stderr', async () => {
    const { code, stdout, stderr } = await runWith(['--streams', 'a', '--format', 'json']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr[0]).toMatch(/no mix: 1 mixable live stream/);
  });
});

describe('mixkeeper layout --template', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mk-template-'));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const stage = {
    canvas: { width: 1280, height: 720 },
    slots: [
      { name: 'host', rect: { x: 0, y: 0, width: 860, height: 720 }, takes: 'main' },
      { name: 'guest', rect: { x: 860, y: 0, width: 420, height: 720 }, placeholder: { pictureId: 7 } },
    ],
  };

  test('lays the streams out by the file, JSON or YAML, as plan, svg or body', async () => {
    const json = write('stage.json', JSON.stringify(stage));
    const plan = await runWith(['--template', json, '--streams', 'host,g1', '--main', 'host']);
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout)).toMatchObject({
      preset: 'layout:stage',
      inputs: [{ streamId: 'mk_canvas' }, { streamId: 'host' }, { streamId: 'g1', rect: { x: 860 } }],
    });
    const yaml = write(
      'stage.yaml',
      'canvas: { width: 1280, height: 720 }\nslots:\n  - { rect: { x: 0, y: 0, width: 640, height: 720 } }\n  - { rect: { x: 640, y: 0, width: 640, height: 720 }, placeholder: { color: "0x334455" } }\n',
    );
    const svg = await runWith(['--template', yaml, '--streams', 'a', '--format', 'svg']);
    // One stream is no mix; with two the placeholder shows in neither slot.
    expect(svg.code).toBe(1);
    const body = await runWith(['--template', yaml, '--streams', 'a,b', '--format', 'body']);
    expect(body.code).toBe(0);
    expect(body.stdout).toContain('input_stream_list');
  });

  test('a bad template is refused, naming the slot and the rule', async () => {
    const bad = write(
      'bad.json',
      JSON.stringify({
        ...stage,
        slots: [...stage.slots, { rect: { x: 1200, y: 0, width: 100, height: 10 } }],
      }),
    );
    const res = await runWith(['--template', bad, '--streams', 'host,g1']);
    expect(res.code).toBe(2);
    expect(res.stderr.join('\n')).toContain('slot 2: reaches x 1300, outside the 1280×720 canvas');
    const both = await runWith(['--template', bad, '--preset', 'grid', '--streams', 'a,b']);
    expect(both.code).toBe(2);
  });
});
