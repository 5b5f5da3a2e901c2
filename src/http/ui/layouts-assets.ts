import type { OpenAPIHono } from '@hono/zod-openapi';

/**
 * The layout editor's script, served from our origin (the pages forbid inline script): the preview
 * is an image of `/ui/layouts/preview.svg` for the JSON being typed, redrawn a moment after each
 * keystroke; Save is `PUT /v1/layouts/:name` (the session cookie reaches /v1). Below the preview,
 * the slots as boxes: dragging one moves it, dragging its corner resizes it, and the JSON follows.
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
  if (!dragging) drawHandles(template);
}

// Arrange: the slots as boxes on the canvas's shape; drag one to move it, its corner to resize it.
const arrange = document.getElementById('layout-arrange');
let dragging = null;
function canvasOf(template) {
  const c = template && template.canvas;
  return c && c !== 'main' && c.width > 0 && c.height > 0 ? c : { width: 540, height: 960 };
}
function asFraction(rect, size) {
  if (rect.unit === 'fraction') return { x: rect.x, y: rect.y, w: rect.width, h: rect.height };
  return { x: rect.x / size.width, y: rect.y / size.height, w: rect.width / size.width, h: rect.height / size.height };
}
function drawHandles(template) {
  arrange.replaceChildren();
  if (!template || !Array.isArray(template.slots)) return;
  const size = canvasOf(template);
  arrange.style.aspectRatio = size.width + ' / ' + size.height;
  template.slots.forEach((slot, i) => {
    if (!slot || !slot.rect) return;
    const f = asFraction(slot.rect, size);
    const box = document.createElement('div');
    box.className = 'handle';
    box.dataset.slot = String(i);
    box.style.left = f.x * 100 + '%';
    box.style.top = f.y * 100 + '%';
    box.style.width = f.w * 100 + '%';
    box.style.height = f.h * 100 + '%';
    box.textContent = slot.name || 'slot ' + i;
    const grip = document.createElement('span');
    grip.className = 'grip';
    box.append(grip);
    box.addEventListener('pointerdown', (event) => {
      event.preventDefault();
      box.setPointerCapture(event.pointerId);
      dragging = { i, box, resize: event.target === grip, x0: event.clientX, y0: event.clientY, f, template, size };
    });
    box.addEventListener('pointermove', (event) => {
      if (!dragging || dragging.box !== box) return;
      const dx = (event.clientX - dragging.x0) / arrange.clientWidth;
      const dy = (event.clientY - dragging.y0) / arrange.clientHeight;
      const g = moved(dragging, dx, dy);
      box.style.left = g.x * 100 + '%';
      box.style.top = g.y * 100 + '%';
      box.style.width = g.w * 100 + '%';
      box.style.height = g.h * 100 + '%';
    });
    box.addEventListener('pointerup', (event) => {
      if (!dragging || dragging.box !== box) return;
      const d = dragging;
      dragging = null;
      const g = moved(d, (event.clientX - d.x0) / arrange.clientWidth, (event.clientY - d.y0) / arrange.clientHeight);
      const slot = d.template.slots[d.i];
      if (slot.rect.unit === 'fraction') {
        const r = (v) => Math.round(v * 10000) / 10000;
        slot.rect = { x: r(g.x), y: r(g.y), width: r(g.w), height: r(g.h), unit: 'fraction' };
      } else {
        const W = d.size.width;
        const H = d.size.height;
        const x = Math.round(g.x * W);
        const y = Math.round(g.y * H);
        slot.rect = { x, y, width: Math.max(1, Math.min(W - x, Math.round(g.w * W))), height: Math.max(1, Math.min(H - y, Math.round(g.h * H))) };
      }
      editor.value = JSON.stringify(d.template, null, 2);
      redraw();
    });
    arrange.append(box);
  });
}
/** The slot's box after a drag of (dx, dy), kept on the canvas. */
function moved(d, dx, dy) {
  const f = d.f;
  if (d.resize) {
    return { x: f.x, y: f.y, w: Math.min(1 - f.x, Math.max(0.01, f.w + dx)), h: Math.min(1 - f.y, Math.max(0.01, f.h + dy)) };
  }
  return { x: Math.min(1 - f.w, Math.max(0, f.x + dx)), y: Math.min(1 - f.h, Math.max(0, f.y + dy)), w: f.w, h: f.h };
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
.arrange { position: relative; width: 100%; max-height: 420px; background: #1f2937; margin-top: .5rem; touch-action: none; }
.arrange .handle { position: absolute; border: 1px solid #93c5fd; background: rgba(37, 99, 235, .35); color: #fff; font-size: 11px; padding: 2px 4px; cursor: move; overflow: hidden; user-select: none; }
.arrange .grip { position: absolute; right: 0; bottom: 0; width: 12px; height: 12px; background: #93c5fd; cursor: nwse-resize; }
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
