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
