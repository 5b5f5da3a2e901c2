import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  type AnySimRequest,
  expectNoViolations,
  mixInputs,
  type Stack,
  startStack,
} from '../support/stack.js';

/**
 * Layouts the user designs, over the whole system: templates through /v1/layouts, rooms that use
 * them, pictures the presets gain (avatar tiles, spotlight), and rooms read from Tencent's own
 * auto-mix parameter. What reaches the platform is read from the simulator's log of requests.
 */

let stack: Stack;

function api(path: string, method = 'GET', json?: unknown) {
  return fetch(`${stack.service.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${stack.adminToken}`,
      ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
}

const main = (room: string) => ({ mix_room: room, mix_role: 'main' });
const guest = (room: string, extra: Record<string, string> = {}) => ({ mix_room: room, ...extra });
/** `id:input_type` of a start's inputs, bottom to top. */
const inputsOf = (req: AnySimRequest) => mixInputs(req).map((i) => `${i.id}:${i.inputType}`);
const lastStart = async () => (await stack.starts()).at(-1)!;

/** Host on the left; two guest places on the right, the top one showing picture 77 while empty. */
const stage = {
  canvas: { width: 1280, height: 720 },
  slots: [
    { name: 'host', rect: { x: 0, y: 0, width: 860, height: 720 }, takes: 'main' },
    {
      name: 'top',
      rect: { x: 860, y: 0, width: 420, height: 360 },
      takes: 'guest',
      placeholder: { pictureId: 77 },
    },
    {
      name: 'bottom',
      rect: { x: 860, y: 360, width: 420, height: 360 },
      takes: 'guest',
      placeholder: { pictureId: 78 },
    },
  ],
  overlays: [{ name: 'logo', pictureId: 9, rect: { x: 20, y: 20, width: 120, height: 60 } }],
};

async function useLayout(room: string, layout: string) {
  expect((await api(`/v1/rooms/${room}`, 'PUT', { preset: `layout:${layout}` })).status).toBe(200);
}

// Both mix APIs the simulator speaks: picture, canvas and audio inputs travel in either body.
describe.each(['legacy', 'api3'] as const)('%s backend', (backend) => {
  beforeEach(async () => {
    stack = await startStack({}, { backend });
  });
  afterEach(async () => {
    await expectNoViolations(stack);
    await stack.close();
  });

  describe('layout templates', () => {
    test('a 3-slot template fills and empties as guests join and leave, placeholders showing in empty slots', async () => {
      expect((await api('/v1/layouts/stage', 'PUT', stage)).status).toBe(200);
      await useLayout('t1', 'stage');
      await stack.push('host_a', main('t1'));
      await stack.push('guest_b', guest('t1'));
      await stack.until(async () =>
        expect(inputsOf(await lastStart())).toEqual([
          'mk_canvas:3',
          'host_a:0',
          'guest_b:0',
          'mk_slot2:2',
          'mk_overlay0:2',
        ]),
      );

      await stack.push('guest_c', guest('t1'));
      await stack.until(async () =>
        expect(inputsOf(await lastStart())).toEqual([
          'mk_canvas:3',
          'host_a:0',
          'guest_b:0',
          'guest_c:0',
          'mk_overlay0:2',
        ]),
      );

      // guest_b leaves: guest_c keeps the bottom slot, the top one shows its placeholder again.
      await stack.stop('guest_b');
      await stack.until(async () =>
        expect(inputsOf(await lastStart())).toEqual([
          'mk_canvas:3',
          'host_a:0',
          'mk_slot1:2',
          'guest_c:0',
          'mk_overlay0:2',
        ]),
      );
      await stack.stop('guest_c');
      await stack.until(async () =>
        expect((await stack.requests()).filter((r) => r.op === 'cancel')).toHaveLength(1),
      );
      await stack.settled();
      const sessions = new Set((await stack.starts()).map((s) => s.sessionId));
      expect(sessions.size).toBe(1);
    });

    test('a template edit re-lays out the two rooms using it, with one request each', async () => {
      expect((await api('/v1/layouts/shared', 'PUT', stage)).status).toBe(200);
      for (const room of ['e1', 'e2']) {
        await useLayout(room, 'shared');
        await stack.push(`host_${room}`, main(room));
        await stack.push(`guest_${room}`, guest(room));
      }
      await stack.until(async () => {
        for (const room of ['e1', 'e2']) expect((await stack.room(room))?.status).toBe('mixing');
      });
      await stack.settled();
      const before = await stack.starts();
      expect(before).toHaveLength(2);

      const edited = { ...stage, background: { color: '0x336699' } };
      const put = await api('/v1/layouts/shared', 'PUT', edited);
      expect(((await put.json()) as { rooms: string[] }).rooms.sort()).toEqual(['e1', 'e2']);
      await stack.until(async () => expect(await stack.starts()).toHaveLength(4));
      await stack.settled();
      const after = (await stack.starts()).slice(2);
      expect(after.map((s) => s.outputStreamId).sort()).toEqual(['host_e1', 'host_e2']);
      // Each update kept its room's session.
      for (const s of after) expect(before.map((b) => b.sessionId)).toContain(s.sessionId);
    });
  });

  describe('better pictures from the presets', () => {
    test("an audio-only guest's avatar tile: its voice is mixed and a picture holds its place", async () => {
      expect(
        (await api('/v1/rooms/a1', 'PUT', { preset: 'grid', audioOnly: 'tile', avatarPictureId: 42 })).status,
      ).toBe(200);
      await stack.push('host_a', main('a1'));
      await stack.push('voice_b', guest('a1', { mix_media: 'audio' }));
      await stack.until(async () =>
        expect(inputsOf(await lastStart())).toEqual([
          'mk_canvas:3',
          'host_a:0',
          'mk_avatar_voice_b:2',
          'voice_b:4',
        ]),
      );
    });

    test('a spotlight change puts the guest in the largest place; the output stays the main', async () => {
      await stack.push('host_a', main('s1'));
      await stack.push('guest_b', guest('s1'));
      await stack.until(async () => expect((await stack.room('s1'))?.status).toBe('mixing'));
      expect(inputsOf(await lastStart())).toEqual(['host_a:0', 'guest_b:0']);

      expect((await api('/v1/rooms/s1', 'PUT', { spotlight: 'guest_b' })).status).toBe(200);
      await stack.until(async () => expect(await stack.starts()).toHaveLength(2));
      const spot = await lastStart();
      expect(inputsOf(spot)).toEqual(['guest_b:0', 'host_a:0']);
      expect(spot.outputStreamId).toBe('host_a');
      expect(spot.sessionId).toBe((await stack.starts())[0]?.sessionId);
    });
  });

  describe("rooms from Tencent's auto-mix parameter", () => {
    test('a mixv2 pair becomes a room, which then takes a third guest', async () => {
      await stack.push('anchor', { mixv2: 't_id:1;session_id:pair1;layer:b' });
      await stack.push('co_a', { mixv2: 't_id:1;session_id:pair1;layer:s' });
      await stack.until(async () => expect(await stack.starts()).toHaveLength(1));
      const first = await lastStart();
      expect(first.outputStreamId).toBe('anchor');
      expect(inputsOf(first)).toEqual(['anchor:0', 'co_a:0']);

      await stack.push('co_b', { mixv2: 't_id:1;session_id:pair1;layer:s' });
      await stack.until(async () =>
        expect(inputsOf(await lastStart())).toEqual(['anchor:0', 'co_a:0', 'co_b:0']),
      );
      expect((await stack.room('pair1'))?.streams.map((s) => s.streamId).sort()).toEqual([
        'anchor',
        'co_a',
        'co_b',
      ]);
    });
  });
});
