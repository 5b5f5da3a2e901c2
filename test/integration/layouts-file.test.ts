import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { getLayout, listLayouts, putLayout, resolveLayouts } from '../../src/rooms/layout-store.js';
import { loadLayoutsFile } from '../../src/rooms/layouts-file.js';
import { RoomStore } from '../../src/rooms/room-store.js';
import { LIMITS } from '../../src/tencent/limits.js';
import { useRedis } from '../support/redis.js';

const { redis, namespace } = useRedis();
const dir = mkdtempSync(join(tmpdir(), 'mk-layouts-'));

const yaml = `
stage:
  canvas: { width: 1280, height: 720 }
  slots:
    - { name: host, rect: { x: 0, y: 0, width: 860, height: 720 }, takes: main }
    - { name: guest, rect: { x: 860, y: 0, width: 420, height: 720 }, placeholder: { pictureId: 7 } }
`;

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('LAYOUTS_FILE', () => {
  test('YAML and JSON files load into templates', () => {
    const fromYaml = loadLayoutsFile(file('a.yaml', yaml), LIMITS.legacy);
    expect(fromYaml.get('stage')?.slots).toHaveLength(2);
    const json = JSON.stringify({
      duo: { canvas: 'main', slots: [{ rect: { x: 0, y: 0, width: 1, height: 1, unit: 'fraction' } }] },
    });
    expect([...loadLayoutsFile(file('b.json', json), LIMITS.legacy).keys()]).toEqual(['duo']);
  });

  test('a bad template stops the start, naming the file, the layout, the slot and the rule', () => {
    const wide = yaml.replace('width: 1280', 'width: 2400').replace('width: 420', 'width: 1540');
    expect(() => loadLayoutsFile(file('c.yaml', wide), LIMITS.api3)).toThrow(
      /^LAYOUTS_FILE .*c\.yaml: layout stage: 2400 px: canvas sides are whole pixels from 16 to 2000 on Cloud API 3\.0/,
    );
    expect(() =>
      loadLayoutsFile(file('d.yaml', yaml.replace('width: 420', 'width: 500')), LIMITS.legacy),
    ).toThrow('layout stage: slot 1 ("guest"): reaches x 1360, outside the 1280×720 canvas');
  });

  test("the file's template wins over a stored copy of the same name, and says so", async () => {
    const fileLayouts = loadLayoutsFile(file('e.yaml', yaml), LIMITS.legacy);
    const store = new RoomStore(redis, { namespace, fileLayouts });
    const other = {
      canvas: { width: 640, height: 360 },
      slots: [{ rect: { x: 0, y: 0, width: 640, height: 360 } }],
    };
    await putLayout(store, 'stage', other, 1);
    await putLayout(store, 'small', other, 2);
    expect(await getLayout(store, 'stage')).toMatchObject({ source: 'file', storedCopyIgnored: true });
    expect((await getLayout(store, 'stage'))?.template.canvas).toEqual({ width: 1280, height: 720 });
    expect((await listLayouts(store)).map((l) => [l.name, l.source])).toEqual([
      ['small', 'stored'],
      ['stage', 'file'],
    ]);
    const resolved = await resolveLayouts(store, ['stage', 'small', 'none']);
    expect(Object.keys(resolved).sort()).toEqual(['small', 'stage']);
    expect(resolved.stage?.canvas).toEqual({ width: 1280, height: 720 });
  });
});
