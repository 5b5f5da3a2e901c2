import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { OperatorIo } from '../../src/commands/operator-api.js';
import { run as runRoom } from '../../src/commands/room.js';
import { run as runRooms } from '../../src/commands/rooms.js';
import { expectNoViolations, type Stack, startStack } from '../support/stack.js';

/**
 * The operator surface against the whole system: API, workers, real Redis and the platform
 * simulator over HTTP. What an operator does reaches the platform through the reconcile, and
 * nothing else does.
 */

let stack: Stack;
beforeEach(async () => {
  stack = await startStack();
});
afterEach(async () => {
  await expectNoViolations(stack);
  await stack.close();
});

const main = (room: string) => ({ mix_room: room, mix_role: 'main' });
const guest = (room: string) => ({ mix_room: room });

function api(path: string, init: RequestInit & { json?: unknown } = {}) {
  const { json, ...rest } = init;
  return fetch(`${stack.service.url}${path}`, {
    ...rest,
    headers: {
      authorization: `Bearer ${stack.adminToken}`,
      ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
}

interface Room {
  status: string;
  inSync: boolean;
  deleting: boolean;
  desired: { preset: string } | null;
  applied: { sessionId: string; plan: { preset: string } } | null;
}

async function room(id: string): Promise<Room | null> {
  const res = await api(`/v1/rooms/${id}`);
  return res.status === 404 ? null : ((await res.json()) as Room);
}

/** A main and a guest on air, mixed as PiP: one start. */
async function mixingRoom(id: string) {
  await stack.push('host_a', main(id));
  await stack.push('guest_b', guest(id));
  await stack.until(async () => {
    const r = await room(id);
    expect(r?.status).toBe('mixing');
    expect(r?.inSync).toBe(true);
  });
  expect(await stack.starts()).toHaveLength(1);
}

describe('operator actions reach the platform through the reconcile', () => {
  test('a config change leads to exactly one new start, in the same session, with the new layout', async () => {
    await mixingRoom('op1');
    const res = await api('/v1/rooms/op1', {
      method: 'PUT',
      json: { preset: 'grid', canvas: { width: 1280, height: 720 } },
    });
    expect(res.status).toBe(200);
    await stack.until(async () => {
      const r = await room('op1');
      expect(r?.applied?.plan.preset).toBe('grid');
      expect(r?.inSync).toBe(true);
    });
    // Every reconcile the change set going has run: none sent another start.
    await stack.settled();
    const starts = await stack.starts();
    expect(starts).toHaveLength(2);
    expect(starts[1]?.sessionId).toBe(starts[0]?.sessionId);
  });

  test('the plan endpoint sends nothing: the simulator sees no request', async () => {
    await mixingRoom('op2');
    const before = await stack.requests();
    // A change gives the request it would send; no change, none (the room already mixes its plan).
    for (const [body, sends] of [
      [{ join: [{ streamId: 'guest_c', width: 540, height: 960 }] }, true],
      [{ leave: ['guest_b'] }, true],
      [{ config: { preset: 'grid' } }, true],
      [{}, false],
    ] as const) {
      const res = await api('/v1/rooms/op2/plan', { method: 'POST', json: body });
      expect(res.status).toBe(200);
      const plan = (await res.json()) as { request: { body: unknown } | null };
      expect(plan.request, JSON.stringify(body)).toEqual(
        sends ? expect.objectContaining({ body: expect.anything() }) : null,
      );
    }
    const unknown = await api('/v1/rooms/nobody_yet/plan', {
      method: 'POST',
      json: { join: [{ streamId: 'a', role: 'main' }, { streamId: 'b' }] },
    });
    expect(((await unknown.json()) as { plan: unknown }).plan).not.toBeNull();
    // Whatever the dry runs might have set going has run: it sent nothing.
    await stack.settled();
    expect(await stack.requests()).toEqual(before);
    expect(await room('nobody_yet')).toBeNull();
  });

  test('DELETE cancels the mix no sooner than the platform allows, then forgets the room', async () => {
    await stack.push('host_a', main('op3'));
    await stack.push('guest_b', guest('op3'));
    await stack.until(async () => expect(await stack.starts()).toHaveLength(1));
    // At once: the session is younger than the minimum age, so the cancel has to wait for it.
    expect((await api('/v1/rooms/op3', { method: 'DELETE' })).status).toBe(202);
    await stack.until(async () => expect(await room('op3')).toBeNull());
    const requests = await stack.requests();
    expect(requests.map((r) => r.op)).toEqual(['start', 'cancel']);
    const [start, cancel] = requests;
    expect(cancel!.at - start!.at).toBeGreaterThanOrEqual(Number(stack.config.MIX_CANCEL_MIN_AGE_MS) - 5);
    const list = (await (await api('/v1/rooms?limit=200')).json()) as { rooms: { id: string }[] };
    expect(list.rooms.map((r) => r.id)).not.toContain('op3');
  });

  test('a forced reconcile retries a room that failed for good', async () => {
    await stack.faults({ seed: 1, script: [{ op: 'start', code: -2, times: 1 }] });
    await stack.push('host_a', main('op4'));
    await stack.push('guest_b', guest('op4'));
    await stack.until(async () => expect((await room('op4'))?.status).toBe('failed'));
    expect((await api('/v1/rooms/op4/reconcile', { method: 'POST' })).status).toBe(202);
    await stack.until(async () => expect((await room('op4'))?.status).toBe('mixing'));
    expect((await stack.starts()).map((r) => r.code)).toEqual([-2, 0]);
  });

  test('an override pins a layout, and the room goes back to its rules by itself when it ends', async () => {
    await mixingRoom('op5');
    const res = await api('/v1/rooms/op5/override', {
      method: 'POST',
      json: { minutes: 0.005, config: { preset: 'grid' } },
    });
    expect(res.status).toBe(200);
    await stack.until(async () => expect((await room('op5'))?.applied?.plan.preset).toBe('grid'));
    // No callback arrives: only the override's end brings PiP back.
    await stack.until(async () => {
      const r = await room('op5');
      expect(r?.applied?.plan.preset).toBe('pip');
      expect(r?.inSync).toBe(true);
    });
    expect((await stack.starts()).length).toBe(3);
  });
});

describe('mixkeeper rooms / room in the terminal', () => {
  function io(
    env: Record<string, string | undefined> = {},
  ): OperatorIo & { lines: string[]; errors: string[] } {
    const lines: string[] = [];
    const errors: string[] = [];
    return {
      lines,
      errors,
      out: (text) => lines.push(text),
      err: (text) => errors.push(text),
      env: { MIXKEEPER_URL: stack.service.url, ADMIN_TOKEN: stack.adminToken, ...env },
      fetch: (input, init) => fetch(input, init),
    };
  }

  test('list and show a room as tables', async () => {
    await mixingRoom('cli1');
    const list = io();
    expect(await runRooms(['--status', 'mixing'], list)).toBe(0);
    const table = list.lines.join('\n').split('\n');
    expect(table[0]).toMatch(/^ROOM\s+STATUS\s+LIVE\s+MIXED\s+SESSION/);
    expect(table.find((line) => line.startsWith('cli1'))).toMatch(/^cli1\s+mixing\s+2\s+2\s+cli1_1\s/);

    const one = io();
    expect(await runRoom(['cli1'], one)).toBe(0);
    const text = one.lines.join('\n');
    expect(text).toMatch(/^room cli1 {2}mixing/);
    expect(text).toMatch(/host_a\s+main\s+av\s+live/);
    expect(text).toMatch(/guest_b\s+guest\s+av\s+live/);
    expect(text).toMatch(/desired mix: pip/);
    expect(text).toMatch(/start cli1_1/);
  });

  test('tell the operator what is wrong, with exit codes', async () => {
    const noToken = io({ ADMIN_TOKEN: undefined });
    expect(await runRooms([], noToken)).toBe(1);
    expect(noToken.errors.join()).toMatch(/ADMIN_TOKEN is not set/);
    const wrong = io({ ADMIN_TOKEN: 'wrong-token-0123456789' });
    expect(await runRooms([], wrong)).toBe(1);
    expect(wrong.errors.join()).toMatch(/refused ADMIN_TOKEN \(401\)/);
    const missing = io();
    expect(await runRoom(['nobody'], missing)).toBe(1);
    expect(missing.errors.join()).toMatch(/no room nobody \(404\)/);
    const usage = io();
    expect(await runRoom(['bad-id'], usage)).toBe(2);
    expect(await runRooms(['--status', 'sleepy'], usage)).toBe(2);
    expect(await runRooms(['--limit', '201'], usage)).toBe(2);
    // the API's own query rules, named by flag
    expect(usage.errors.join('\n')).toMatch(/--status: .*"mixing"/);
    expect(usage.errors.join('\n')).toMatch(/--limit: Too big/);
    const away = io({ MIXKEEPER_URL: 'http://127.0.0.1:9' });
    expect(await runRooms([], away)).toBe(1);
    expect(away.errors.join()).toMatch(/cannot reach/);
  });
});
