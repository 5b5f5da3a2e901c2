import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { LAYOUT_NAME_PATTERN, layoutTemplateSchema } from '../../layout/layout-template.js';
import { renderSvg } from '../../layout/svg.js';
import { previewTemplate } from '../../layout/template-preview.js';
import { getLayout, listLayouts } from '../../rooms/layout-store.js';
import type { RoomStore } from '../../rooms/room-store.js';
import { LIMITS, MAX_INPUTS, type MixBackendName } from '../../tencent/limits.js';
import { problem } from '../problem.js';
import { LayoutEditor, LayoutsPage, STARTER_TEMPLATE } from './layouts-page.js';

/** The layouts pages and the pictures they show (see layouts-page.tsx). */

export interface LayoutPagesDeps {
  store: RoomStore;
  mixBackend: MixBackendName;
}

// A picture is only drawn, never scripted (as the room pictures).
const SVG_HEADERS = {
  'content-type': 'image/svg+xml; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'cache-control': 'no-store',
};

export function registerLayoutPages(app: OpenAPIHono, deps: LayoutPagesDeps): void {
  const limits = LIMITS[deps.mixBackend];

  app.get('/ui/layouts', async (c) => c.html(<LayoutsPage layouts={await listLayouts(deps.store)} />));

  app.get('/ui/layouts/edit', async (c) => {
    const name = c.req.query('name') ?? '';
    const entry = LAYOUT_NAME_PATTERN.test(name) ? await getLayout(deps.store, name) : undefined;
    const json = JSON.stringify(entry?.template ?? STARTER_TEMPLATE, null, 2);
    return c.html(
      <LayoutEditor
        name={entry ? name : name || 'my_layout'}
        json={json}
        {...(entry ? { source: entry.source } : {})}
      />,
    );
  });

  app.get('/ui/layouts/:name/picture.svg', async (c) => {
    const name = c.req.param('name');
    const entry = LAYOUT_NAME_PATTERN.test(name) ? await getLayout(deps.store, name) : undefined;
    if (!entry) return problem(c, 'not_found', `no layout ${name}`);
    const { plan, reasons } = previewTemplate(name, entry.template, people(c), limits);
    return c.body(renderSvg(plan, { maxSize: 480, notes: plan ? [] : reasons }), 200, SVG_HEADERS);
  });

  // The editor's preview: the template in the query, drawn whatever it is (its mistakes as notes).
  app.get('/ui/layouts/preview.svg', (c) => {
    let data: unknown;
    try {
      data = JSON.parse(c.req.query('t') ?? '');
    } catch {
      return c.body(
        renderSvg(null, { title: 'not JSON', notes: ['the template is not JSON yet'] }),
        200,
        SVG_HEADERS,
      );
    }
    const parsed = layoutTemplateSchema.safeParse(data);
    if (!parsed.success) {
      const notes = parsed.error.issues
        .slice(0, 6)
        .map((i) => `${i.path.join('.') || 'template'}: ${i.message}`);
      return c.body(renderSvg(null, { title: 'not a template', notes }), 200, SVG_HEADERS);
    }
    const { plan, reasons } = previewTemplate('preview', parsed.data, people(c), limits);
    return c.body(renderSvg(plan, { maxSize: 640, notes: reasons }), 200, SVG_HEADERS);
  });
}

function people(c: Context): number {
  const n = Number(c.req.query('people') ?? 2);
  return Number.isInteger(n) ? Math.min(MAX_INPUTS, Math.max(1, n)) : 2;
}
