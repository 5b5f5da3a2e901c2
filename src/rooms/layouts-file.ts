import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { LAYOUT_NAME_PATTERN, type LayoutTemplate, layoutTemplateSchema } from '../layout/layout-template.js';
import { checkTemplate } from '../layout/template-check.js';
import type { MixLimits } from '../tencent/limits.js';

/**
 * LAYOUTS_FILE: layout templates kept in git, read once at start. The file is a map from name to
 * template, in JSON or YAML (`.yaml`/`.yml`); every template is held to the same rules as one sent
 * to the API, and a file with a bad one stops the start, naming the layout, the slot and the rule.
 */
export function loadLayoutsFile(path: string, limits: MixLimits): Map<string, LayoutTemplate> {
  const text = readFileSync(path, 'utf8');
  let data: unknown;
  try {
    data = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new Error(
      `LAYOUTS_FILE ${path}: not ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(err as Error).message}`,
    );
  }
  return parseLayouts(data, limits, `LAYOUTS_FILE ${path}`);
}

/** A `{ name: template }` map, each checked; `where` prefixes the error. */
export function parseLayouts(data: unknown, limits: MixLimits, where: string): Map<string, LayoutTemplate> {
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new Error(`${where}: a map from layout name to template is expected`);
  }
  const layouts = new Map<string, LayoutTemplate>();
  for (const [name, value] of Object.entries(data)) {
    if (!LAYOUT_NAME_PATTERN.test(name)) {
      throw new Error(
        `${where}: ${JSON.stringify(name)} is not a layout name (1-64 letters, digits, _ or -)`,
      );
    }
    const parsed = layoutTemplateSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${where}: layout ${name}: ${issue?.path.join('.') || 'template'}: ${issue?.message}`);
    }
    const issues = checkTemplate(parsed.data, limits);
    if (issues.length) {
      throw new Error(`${where}: layout ${name}: ${issues.map((i) => i.message).join('; ')}`);
    }
    layouts.set(name, parsed.data);
  }
  return layouts;
}
