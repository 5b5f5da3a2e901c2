import { describe, expect, test } from 'vitest';
import type { RoomBody } from '../../src/http/rooms/room-view.js';
import { useAdminApp } from '../support/admin-harness.js';

const h = useAdminApp();
let counter = 0;
const unique = (label: string) => `${label}${++counter}`;

const duo = {
  canvas: { width: 1280, height: 720 },
  slots: [
    { name: 'left', rect: { x: 0, y: 0, width: 640, height: 720 }, takes: 'main' },
    { name: 'right', rect: { x: 640, y: 0, width: 640, height: 720 }, placeholder: { color: '0x223344' } },
  ],
};

async function room(id: string): Promise<RoomBody> {
  return (await (await h.request(`/v1/rooms/${id}`)).json()) as RoomBody;
}

describe('/v1/layouts', () => {
  test('PUT stores a template, GET and the listing show it, and a room using it is laid out by it', async () => {
    const name = unique('duo');
    const put = await h.json(`/v1/layouts/${name}`, 'PUT', duo);
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ name, source: 'stored', rooms: [] });
    const got = (await (await h.request(`/v1/layouts/${name}`)).json()) as { template: unknown };
    expect(got.template).toEqual(duo);
    const list = (await (await h.request('/v1/layouts')).json()) as { layouts: { name: string }[] };
    expect(list.layouts.map((l) => l.name)).toContain(name);

    const id = unique('lay');
    await h.push(id, 'host_a', 'main');
    await h.push(id, 'guest_b');
    expect((await h.json(`/v1/rooms/${id}`, 'PUT', { preset: `layout:${name}` })).status).toBe(200);
    const body = await room(id);
    expect(body.desired).toMatchObject({
      preset: `layout:${name}`,
      inputs: [
        { streamId: 'mk_canvas' },
        { streamId: 'host_a', rect: { x: 0, y: 0, width: 640, height: 720 } },
        { streamId: 'guest_b', rect: { x: 640, y: 0, width: 640, height: 720 } },
      ],
    });
  });

  test('a bad template is refused with 400 naming the slot and the rule, and is not stored', async () => {
    const name = unique('bad');
    const spill = {
      ...duo,
      slots: [...duo.slots, { name: 'spill', rect: { x: 1200, y: 0, width: 200, height: 100 } }],
    };
    const res = await h.json(`/v1/layouts/${name}`, 'PUT', spill);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toBe(
      'slots.2.rect: slot 2 ("spill"): reaches x 1400, outside the 1280×720 canvas',
    );
    const shape = await h.json(`/v1/layouts/${name}`, 'PUT', { ...duo, slots: [] });
    expect(shape.status).toBe(400);
    expect((await h.request(`/v1/layouts/${name}`)).status).toBe(404);
  });

  test('changing a template asks every room using it (and only those) for one reconcile', async () => {
    const name = unique('shared');
    await h.json(`/v1/layouts/${name}`, 'PUT', duo);
    const [a, b, other] = [unique('ra'), unique('rb'), unique('rc')];
    for (const id of [a, b, other]) {
      await h.push(id, 'host_a', 'main');
      await h.push(id, 'guest_b');
    }
    await h.json(`/v1/rooms/${a}`, 'PUT', { preset: `layout:${name}` });
    await h.json(`/v1/rooms/${b}`, 'PUT', { preset: `layout:${name}` });
    // Settle what the config changes asked for, so what follows is the template change's doing.
    for (const id of [a, b, other]) await (await h.reconcileJob(id))?.remove();

    const res = await h.json(`/v1/layouts/${name}`, 'PUT', { ...duo, background: { color: '0xFFFFFF' } });
    const put = (await res.json()) as { rooms: string[] };
    expect(put.rooms.sort()).toEqual([a, b].sort());
    expect(await h.reconcileJob(a)).toBeDefined();
    expect(await h.reconcileJob(b)).toBeDefined();
    expect(await h.reconcileJob(other)).toBeUndefined();
    expect((await room(a)).desired?.inputs[0]).toMatchObject({ color: '0xFFFFFF' });

    const del = await h.request(`/v1/layouts/${name}`, { method: 'DELETE' });
    expect(((await del.json()) as { rooms: string[] }).rooms.sort()).toEqual([a, b].sort());
    expect((await room(a)).explain).toContain(
      `preset pip: layout template "${name}" is not defined, and main host_a is live`,
    );
  });

  test('the OpenAPI document describes the layouts routes', async () => {
    const doc = (await (await h.request('/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/layouts', '/v1/layouts/{name}']));
  });

  test('POST /v1/rooms/:id/plan tries a template by name or inline, and refuses a bad inline one', async () => {
    const name = unique('whatif');
    await h.json(`/v1/layouts/${name}`, 'PUT', duo);
    const id = unique('wi');
    await h.push(id, 'host_a', 'main');
    await h.push(id, 'guest_b');
    type Plan = { plan: { preset: string; inputs: { streamId: string }[] }; svg: string };
    const byName = (await (await h.json(`/v1/rooms/${id}/plan`, 'POST', { template: name })).json()) as Plan;
    expect(byName.plan.preset).toBe(`layout:${name}`);
    expect(byName.svg).toContain('<svg');
    const inline = { ...duo, overlays: [{ pictureId: 3, rect: { x: 0, y: 0, width: 100, height: 50 } }] };
    const tried = (await (await h.json(`/v1/rooms/${id}/plan`, 'POST', { template: inline })).json()) as Plan;
    expect(tried.plan.inputs.map((t) => t.streamId)).toEqual([
      'mk_canvas',
      'host_a',
      'guest_b',
      'mk_overlay0',
    ]);
    const bad = await h.json(`/v1/rooms/${id}/plan`, 'POST', {
      template: { ...duo, slots: [{ rect: { x: 0, y: 0, width: 2000, height: 10 } }] },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain('slot 0: reaches x 2000');
    // The room itself is untouched: nothing stored, its own preset unchanged.
    expect((await room(id)).desired).toMatchObject({ preset: 'pip' });
  });
});
