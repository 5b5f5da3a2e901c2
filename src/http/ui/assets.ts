import type { OpenAPIHono } from '@hono/zod-openapi';

/**
 * The pages' only script and stylesheet, served from our origin so the pages can forbid inline
 * script under their CSP. No build step: they are small enough to read here.
 */

/** Every element with `data-live="<url>"` is replaced by the HTML each server-sent `update` carries; `ended` stops it. */
export const LIVE_JS = `'use strict';
for (const region of document.querySelectorAll('[data-live]')) {
  const source = new EventSource(region.dataset.live);
  source.addEventListener('update', (event) => {
    region.innerHTML = event.data;
    region.dataset.updates = String(Number(region.dataset.updates || '0') + 1);
  });
  source.addEventListener('gone', () => {
    region.innerHTML = '<p class="notice">This room no longer exists.</p>';
    source.close();
  });
  // The session that opened the stream ended (signed out or expired): stop, and say so.
  source.addEventListener('ended', () => {
    source.close();
    region.insertAdjacentHTML('afterbegin', '<p class="notice">Signed out: reload to sign in again.</p>');
  });
}
`;

export const STYLE_CSS = `:root { color-scheme: light; --fg: #111827; --muted: #6b7280; --line: #e5e7eb; --bg: #f9fafb; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; gap: 1.5rem; align-items: center; padding: .6rem 1.2rem; background: #111827; color: #fff; }
header a { color: #e5e7eb; text-decoration: none; }
header form { margin-left: auto; }
header button { background: none; border: 1px solid #4b5563; color: #e5e7eb; border-radius: 4px; cursor: pointer; }
main { padding: 1rem 1.2rem; max-width: 1400px; }
h1 { font-size: 1.3rem; margin: .3rem 0 1rem; }
h2 { font-size: 1rem; margin: 1.4rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; }
code, .mono { font-family: ui-monospace, monospace; font-size: 12px; }
.status { display: inline-block; padding: 0 .5rem; border-radius: 999px; font-size: 12px; font-weight: 600; }
.status-mixing { background: #d1fae5; color: #065f46; }
.status-pending { background: #fef3c7; color: #92400e; }
.status-failed { background: #fee2e2; color: #991b1b; }
.status-idle { background: #e5e7eb; color: #374151; }
.status-deleting { background: #ede9fe; color: #5b21b6; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 1rem; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .6rem; }
.card a { color: inherit; text-decoration: none; }
.card img { width: 100%; height: 170px; object-fit: contain; background: #f3f4f6; display: block; }
.card .meta { display: flex; justify-content: space-between; margin-top: .4rem; }
.pictures { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 1rem; }
.pictures figure { margin: 0; background: #fff; border: 1px solid var(--line); padding: .5rem; }
.pictures img { width: 100%; max-height: 480px; object-fit: contain; }
.muted { color: var(--muted); }
.notice { padding: .6rem; background: #fff7ed; border: 1px solid #fed7aa; }
.error { padding: .6rem; background: #fef2f2; border: 1px solid #fecaca; }
.filters a { margin-right: .8rem; }
ul.explain { background: #fff; border: 1px solid var(--line); padding: .6rem 1.6rem; margin: 0; }
form.login { max-width: 360px; margin: 4rem auto; background: #fff; border: 1px solid var(--line); padding: 1.2rem; }
form.login input { width: 100%; padding: .4rem; margin: .4rem 0 .8rem; }
`;

/** Two tiles on a canvas: a mix. */
export const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#111827"/>' +
  '<rect x="2" y="3" width="7" height="10" fill="#2563eb"/><rect x="10" y="7" width="4" height="6" fill="#059669"/></svg>';

export function registerUiAssets(app: OpenAPIHono): void {
  app.get('/ui/assets/icon.svg', (c) =>
    c.body(ICON_SVG, 200, { 'content-type': 'image/svg+xml', 'cache-control': 'max-age=86400' }),
  );
  app.get('/ui/assets/live.js', (c) =>
    c.body(LIVE_JS, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'max-age=300',
    }),
  );
  app.get('/ui/assets/style.css', (c) =>
    c.body(STYLE_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'max-age=300' }),
  );
}
