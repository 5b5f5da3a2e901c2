import type { OpenAPIHono } from '@hono/zod-openapi';

/**
 * The layout editor's script, served from our origin (the pages forbid inline script): the preview
 * is an image of `/ui/layouts/preview.svg` for the JSON being typed, redrawn a moment after each
 * keystroke; Save is `PUT /v1/layouts/:name` (the session cookie reaches /v1).
 */
export const LAYOUTS_JS = `'use strict';
const editor = document.getElementById('layout-json');
const preview = document.getElementById('layout-preview');
const status = document.getElementById('layout-status');
const nameInput = document.getElementById('layout-name');
const people = document.getElementById('layout-people');
let timer;
function redraw() {
  let template;
  try {
    template = JSON.parse(editor.value);
  } catch (error) {
    status.textContent = 'not JSON yet: ' + error.message;
    return;
  }
  status.textContent = '';
  const query = new URLSearchParams({ people: people.value || '2', t: JSON.stringify(template) });
  preview.src = '/ui/layouts/preview.svg?' + query;
  preview.dataset.draws = String(Number(preview.dataset.draws || '0') + 1);
}
const later = () => {
  clearTimeout(timer);
  timer = setTimeout(redraw, 250);
};
editor.addEventListener('input', later);
people.addEventListener('input', later);
document.getElementById('layout-save').addEventListener('click', async () => {
  const name = nameInput.value.trim();
  const res = await fetch('/v1/layouts/' + encodeURIComponent(name), {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: editor.value,
  });
  const body = await res.json().catch(() => ({}));
  status.textContent = res.ok
    ? 'saved ' + name + (body.rooms && body.rooms.length ? '; re-laying out ' + body.rooms.join(', ') : '') + (body.note ? ' (' + body.note + ')' : '')
    : 'refused: ' + (body.message || res.status);
});
redraw();
`;

export const LAYOUTS_CSS = `.editor { display: grid; grid-template-columns: minmax(320px, 1fr) minmax(320px, 1fr); gap: 1rem; }
.editor textarea { width: 100%; font-family: ui-monospace, monospace; font-size: 12px; }
.editor label { display: inline-block; margin: 0 1rem .5rem 0; }
.editor figure { margin: 0; background: #fff; border: 1px solid var(--line); padding: .5rem; }
.editor img { width: 100%; }
section.layout figure { margin: 0; }
`;

export function registerLayoutAssets(app: OpenAPIHono): void {
  app.get('/ui/assets/layouts.js', (c) =>
    c.body(LAYOUTS_JS, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'max-age=300',
    }),
  );
  app.get('/ui/assets/layouts.css', (c) =>
    c.body(LAYOUTS_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'max-age=300' }),
  );
}
