import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

/**
 * The simulator's two boundaries (index.ts says why): inside, it imports only itself and
 * `src/tencent/`; outside, the repo imports it only through `src/sim/index.ts`.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SIM = join(ROOT, 'src/sim');
const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(join(ROOT, dir), { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => !file.includes(`${join('/', 'node_modules')}/`));
}

/** Every relative import of `file`, as a path from the repo root. */
async function relativeImports(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  return [...text.matchAll(SPECIFIER)]
    .map((match) => match[1] ?? '')
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => relative(ROOT, resolve(dirname(file), specifier)));
}

describe('the simulator', () => {
  test('imports nothing of the product but the Tencent wire formats', async () => {
    const outside: string[] = [];
    for (const file of await sourceFiles('src/sim')) {
      for (const target of await relativeImports(file)) {
        if (!target.startsWith('src/sim/') && !target.startsWith('src/tencent/')) {
          outside.push(`${relative(ROOT, file)} → ${target}`);
        }
      }
    }
    expect(outside).toEqual([]);
  });

  test('is imported by the rest of the repo through src/sim/index.ts only', async () => {
    const deep: string[] = [];
    const files = (await Promise.all(['src', 'test', 'workers'].map((dir) => sourceFiles(dir)))).flat();
    for (const file of files.filter((f) => !f.startsWith(`${SIM}/`))) {
      for (const target of await relativeImports(file)) {
        if (target.startsWith('src/sim/') && target !== 'src/sim/index.js') {
          deep.push(`${relative(ROOT, file)} → ${target}`);
        }
      }
    }
    expect(deep).toEqual([]);
  });
});
