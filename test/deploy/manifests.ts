import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { configSchema, describeConfig, loadConfig } from '../../src/config.js';

/**
 * Reading the deployment files the way their tools do, for the tests that check them: YAML with
 * merge keys (compose's `<<: *anchor`), every document of a multi-document file, redis.conf lines.
 */

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** A loosely typed YAML node: tests walk it with `at()` and assert shapes as they go. */
export type Node = unknown;

export function yamlFile(path: string): Node {
  return parseYaml(read(path), { merge: true });
}

/** Every document of every `.yaml` file under `dir`, with the file it came from. */
export function yamlDocuments(dir: string): { file: string; doc: Record<string, Node> }[] {
  const files: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.yaml') || entry.name.endsWith('.yml')) files.push(full);
    }
  };
  walk(join(ROOT, dir));
  return files.sort().flatMap((full) =>
    parseAllDocuments(readFileSync(full, 'utf8')).flatMap((document) => {
      if (document.errors.length) throw new Error(`${full}: ${document.errors[0]?.message}`);
      const doc = document.toJS() as Record<string, Node> | null;
      return doc ? [{ file: relative(ROOT, full), doc }] : [];
    }),
  );
}

/** `at(node, 'a', 0, 'b')` = node.a[0].b, or undefined when any step is missing. */
export function at(node: Node, ...path: (string | number)[]): Node {
  let current = node;
  for (const step of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, Node>)[step];
  }
  return current;
}

export function asArray(node: Node): Node[] {
  return Array.isArray(node) ? node : [];
}

export function asRecord(node: Node): Record<string, Node> {
  return node !== null && typeof node === 'object' && !Array.isArray(node)
    ? (node as Record<string, Node>)
    : {};
}

/** redis.conf as directive → arguments (the last occurrence wins, as in Redis). */
export function redisConf(text: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [name = '', ...args] = line.split(/\s+/);
    directives.set(
      name.toLowerCase(),
      args.map((arg) => arg.replace(/^"(.*)"$/, '$1')),
    );
  }
  return directives;
}

/** The variables src/config.ts hides as secrets (describeConfig shows only whether they are set). */
export function secretVariables(): Set<string> {
  const shown = describeConfig(loadConfig({}));
  return new Set(Object.keys(shown).filter((name) => typeof shown[name] === 'boolean'));
}

export const CONFIG_VARIABLES = new Set(Object.keys(configSchema.shape));

/** `${NAME}`, `${NAME:-default}`, `${NAME:?message}` as compose writes them. */
export function interpolation(
  value: Node,
): { name: string; kind: 'plain' | 'default' | 'required'; rest: string } | null {
  if (typeof value !== 'string') return null;
  const match = /^\$\{([A-Z0-9_]+)(?:(:-|:\?)(.*))?\}$/.exec(value);
  if (!match) return null;
  const [, name = '', op, rest = ''] = match;
  return { name, kind: op === ':-' ? 'default' : op === ':?' ? 'required' : 'plain', rest };
}

/** A compose environment with each `${…}` replaced by its default, or by `placeholder` when it has none. */
export function resolveEnvironment(env: Node, placeholder: (name: string) => string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(asRecord(env)).map(([name, value]) => [name, resolveValue(value, placeholder)]),
  );
}

/** One compose value with every `${…}` in it (whole or inside a string) resolved as above. */
export function resolveValue(value: Node, placeholder: (name: string) => string): string {
  return String(value).replace(/\$\{[A-Z0-9_]+(?:(?::-|:\?)[^}]*)?\}/g, (found) => {
    const ref = interpolation(found);
    if (!ref) return found;
    return ref.kind === 'default' ? ref.rest : placeholder(ref.name);
  });
}
