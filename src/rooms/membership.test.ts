import { describe, expect, test } from 'vitest';
import { parsePreset, readMembership } from './membership.js';

describe('readMembership', () => {
  test('a guest by default, with audio and video', () => {
    expect(readMembership({ mix_room: 'r1' })).toEqual({
      ok: true,
      membership: { roomId: 'r1', role: 'guest', media: 'av', notes: [] },
    });
  });
  test('a main sets the preset, pip unless it asks for another', () => {
    const main = readMembership({ mix_room: 'r1', mix_role: 'main' });
    expect(main.ok && main.membership.preset).toBe('pip');
    const pk = readMembership({ mix_room: 'r1', mix_role: 'main', mix_layout: 'template_410' });
    expect(pk.ok && pk.membership.preset).toBe('template:410');
    const designed = readMembership({ mix_room: 'r1', mix_role: 'main', mix_layout: 'layout_my_stage' });
    expect(designed.ok && designed.membership.preset).toBe('layout:my_stage');
  });
  test('a guest cannot choose the layout', () => {
    const guest = readMembership({ mix_room: 'r1', mix_layout: 'grid' });
    expect(guest.ok && guest.membership.preset).toBeUndefined();
  });
  test('unknown values fall back with a note', () => {
    const r = readMembership({ mix_room: 'r1', mix_role: 'boss', mix_media: 'smell', mix_layout: 'x' });
    expect(r.ok && r.membership).toMatchObject({ role: 'guest', media: 'av' });
    expect(r.ok && r.membership.notes).toHaveLength(2);
    const m = readMembership({ mix_room: 'r1', mix_role: 'main', mix_layout: 'template_11' });
    expect(m.ok && m.membership.preset).toBe('pip');
    expect(m.ok && m.membership.notes[0]).toMatch(/template_11/);
  });
  test('no room, or a room id the session id could not carry', () => {
    expect(readMembership({})).toEqual({ ok: false, reason: 'no-room' });
    expect(readMembership({ mix_room: 'room-1' })).toEqual({ ok: false, reason: 'bad-room' });
    expect(readMembership({ mix_room: 'r'.repeat(65) })).toEqual({ ok: false, reason: 'bad-room' });
  });
});

describe('parsePreset', () => {
  test.each([
    ['pip', 'pip'],
    ['grid', 'grid'],
    ['template_20', 'template:20'],
    ['template:610', 'template:610'],
    ['template_999', undefined],
    ['mosaic', undefined],
  ])('%s → %s', (value, preset) => expect(parsePreset(value)).toBe(preset));
});

describe("Tencent's auto-mix parameter (mixv2)", () => {
  test('session_id is the room, layer b the main (pip), layer s a guest', () => {
    const main = readMembership({ mixv2: 't_id:1;session_id:abc123;layer:b' });
    expect(main.ok && main.membership).toMatchObject({
      roomId: 'abc123',
      role: 'main',
      media: 'av',
      preset: 'pip',
    });
    const guest = readMembership({ mixv2: 't_id:1;session_id:abc123;layer:s' });
    expect(guest.ok && guest.membership).toMatchObject({ roomId: 'abc123', role: 'guest' });
    expect(guest.ok && guest.membership.preset).toBeUndefined();
  });
  test('t_id 2 is a voice room', () => {
    const main = readMembership({ mixv2: 'session_id:v1;t_id:2;layer:b' });
    expect(main.ok && main.membership.preset).toBe('audio');
  });
  test('mix_room wins over mixv2; a mixv2 without a usable session id joins nothing', () => {
    const both = readMembership({ mix_room: 'r1', mixv2: 't_id:1;session_id:other;layer:b' });
    expect(both.ok && both.membership).toMatchObject({ roomId: 'r1', role: 'guest' });
    expect(readMembership({ mixv2: 't_id:1;layer:b' })).toEqual({ ok: false, reason: 'no-room' });
    expect(readMembership({ mixv2: 't_id:1;session_id:bad-id;layer:b' })).toEqual({
      ok: false,
      reason: 'bad-room',
    });
    expect(readMembership({ mixv2: 't_id:7;session_id:a;layer:b' })).toEqual({
      ok: false,
      reason: 'no-room',
    });
  });
});
