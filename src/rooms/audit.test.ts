import { describe, expect, test } from 'vitest';
import type { MixPlan, Tile } from '../layout/plan.js';
import { decodeAuditEntry, encodeAuditEntry, encodeAuditFields, inputChanges, planChanges } from './audit.js';
import type { AuditEntry } from './stored.js';

const T = 1_800_000_000_000;

describe('audit entries as stored', () => {
  const entries: AuditEntry[] = [
    { at: T, v: 3, type: 'callback', outcome: 'applied', kind: 'push', stream: 'g1', seq: '71', notes: 'x' },
    {
      at: T,
      v: 3,
      type: 'callback',
      outcome: 'stale',
      kind: 'push',
      stream: 'g1',
      seq: '71',
      unmixable: 'a-b',
    },
    {
      at: T,
      v: 4,
      type: 'request',
      op: 'start',
      session: 'r_1',
      reason: 'why',
      causes: [],
      changes: ['-g1'],
    },
    { at: T, v: 4, type: 'request', op: 'cancel', session: 'r_1', reason: 'why', causes: ['config'] },
    { at: T, v: 4, type: 'answer', op: 'start', code: -505, ms: 31, message: 'not live' },
    { at: T, v: 5, type: 'decision', decision: 'wait', until: T + 5000, reason: 'readiness' },
    { at: T, v: 6, type: 'config', config: { preset: 'grid', include: [] } },
    { at: T, v: 7, type: 'operator', action: 'override', config: { preset: 'pk' }, until: T + 60_000 },
    { at: T, v: 7, type: 'operator', action: 'reconcile', cleared: true },
    { at: T, v: 8, type: 'resync', action: 'retry-failed', reason: 'failed: its slower retry is due' },
    {
      at: T,
      v: 9,
      type: 'resync',
      outcome: 'applied',
      action: 'expire',
      stream: 'g1',
      seq: '71',
      reason: 'gone',
    },
  ];

  test.each(
    entries.map((entry) => [`${entry.type} ${String(entry.action ?? entry.kind ?? entry.op ?? '')}`, entry]),
  )('a %s entry reads back as it was written', (_, entry) => {
    expect(decodeAuditEntry(encodeAuditEntry(entry))).toEqual(entry);
  });

  test('an entry is an array in its type’s field order, without trailing absent fields', () => {
    const line = encodeAuditEntry({
      at: T,
      v: 3,
      type: 'callback',
      outcome: 'applied',
      kind: 'push',
      stream: 'g1',
      seq: '7',
    });
    expect(line).toBe(`[${T},3,"callback","applied","push","g1","7"]`);
    expect(encodeAuditEntry({ at: T, v: 1, type: 'operator', action: 'delete' })).toBe(
      `[${T},1,"operator","delete"]`,
    );
  });

  test('the fields a script completes leave out the ones it decides', () => {
    const fields = encodeAuditFields('callback', { kind: 'push', stream: 'g1', seq: '7' }, 1);
    expect(fields).toBe('["push","g1","7"]');
    // what the script writes: [at, v, type, outcome] then these fields
    expect(decodeAuditEntry(`[${T},3,"callback","duplicate",${fields.slice(1)}`)).toEqual({
      at: T,
      v: 3,
      type: 'callback',
      outcome: 'duplicate',
      kind: 'push',
      stream: 'g1',
      seq: '7',
    });
  });

  // Lines as Redis holds them: a reordered, removed or inserted field in AUDIT_FIELDS fails here.
  test.each([
    [
      'callback',
      `[${T},3,"callback","applied","disconnect","g1","71","n","a-b","21/102","replaced"]`,
      {
        outcome: 'applied',
        kind: 'disconnect',
        stream: 'g1',
        seq: '71',
        notes: 'n',
        unmixable: 'a-b',
        errcode: '21/102',
        errmsg: 'replaced',
      },
    ],
    [
      'resync',
      `[${T},3,"resync","applied","expire","g1","71","gone"]`,
      { outcome: 'applied', action: 'expire', stream: 'g1', seq: '71', reason: 'gone' },
    ],
    [
      'decision',
      `[${T},3,"decision","wait",${T + 5000},"readiness"]`,
      { decision: 'wait', until: T + 5000, reason: 'readiness' },
    ],
    [
      'request',
      `[${T},3,"request","start","r_1","why",["push g1 71"],["+g1 L2"],["host L1"]]`,
      {
        op: 'start',
        session: 'r_1',
        reason: 'why',
        causes: ['push g1 71'],
        changes: ['+g1 L2'],
        inputs: ['host L1'],
      },
    ],
    [
      'answer',
      `[${T},3,"answer","start",-505,31,"not live"]`,
      { op: 'start', code: -505, ms: 31, message: 'not live' },
    ],
    ['config', `[${T},3,"config",{"preset":"grid"}]`, { config: { preset: 'grid' } }],
    [
      'operator',
      `[${T},3,"operator","override",{"until":${T + 60_000}}]`,
      { action: 'override', until: T + 60_000 },
    ],
  ])('a stored %s line decodes to its fields by position', (type, line, fields) => {
    expect(decodeAuditEntry(line)).toEqual({ at: T, v: 3, type, ...fields });
  });

  test('an entry stored as an object (the earlier form) reads as it is', () => {
    const old = { at: T, v: 2, type: 'request', op: 'start', session: 'r_1', inputs: ['a L1', 'b L2'] };
    expect(decodeAuditEntry(JSON.stringify(old))).toEqual(old);
  });
});

describe('inputChanges', () => {
  const tile = (streamId: string, layer: number, x = 0): Tile => ({
    streamId,
    layer,
    inputType: 0,
    role: layer === 1 ? 'main' : 'guest',
    rect: { x, y: 0, width: 160, height: 240 },
  });
  const plan = (...inputs: Tile[]): MixPlan => ({
    preset: 'pip',
    templateId: 0,
    outputStreamId: 'host',
    outputType: 0,
    canvas: { width: 540, height: 960 },
    inputs,
  });

  test('names the tiles added, changed and removed, and nothing else', () => {
    const before = plan(tile('host', 1), tile('a', 2, 380), tile('b', 3, 380));
    const after = plan(tile('host', 1), tile('a', 2, 220), tile('c', 4, 380));
    expect(inputChanges(before, after)).toEqual(['~a L2 220,0 160x240', '+c L4 380,0 160x240', '-b']);
    expect(inputChanges(after, after)).toEqual([]);
  });

  test('an update that changes only the plan’s scalars names each, with no input change', () => {
    const before = plan(tile('host', 1), tile('a', 2, 380));
    const after: MixPlan = {
      ...before,
      templateId: 310,
      outputType: 1,
      canvas: { width: 1280, height: 720 },
      bitrate: 1200,
    };
    expect(planChanges(before, after)).toEqual([
      'template 0→310',
      'output type 0→1',
      'canvas 540x960→1280x720',
      'bitrate auto→1200',
    ]);
    expect(planChanges(after, { ...after, bitrate: 900, inputs: [tile('host', 1)] })).toEqual([
      'bitrate 1200→900',
      '-a',
    ]);
    expect(planChanges(after, after)).toEqual([]);
  });
});
