import { INPUT_TYPE } from '../core/platform-rules.js';
import type { SessionView } from '../platform/session-view.js';

/**
 * `/sim/sessions` for a browser: every mix session the simulator runs, as a viewer of its output
 * stream would see it (its frame.svg), in the operator pages' colours. Scripts get the JSON.
 */
export function renderSessionsPage(sessions: SessionView[], showingCancelled: boolean): string {
  const cards = sessions.map((session) => {
    const id = encodeURIComponent(session.sessionId);
    const people = session.inputs.filter(
      (input) => input.inputType !== INPUT_TYPE.canvas && input.inputType !== INPUT_TYPE.picture,
    ).length;
    return (
      `<div class="card" data-session="${esc(session.sessionId)}">` +
      `<a href="/sim/sessions/${id}"><img src="/sim/sessions/${id}/frame.svg" alt="${esc(`output of ${session.sessionId}`)}"></a>` +
      `<div class="meta"><strong>${esc(session.sessionId)}</strong><span class="status status-${session.state}">${session.state}</span></div>` +
      `<div class="meta muted"><span>${esc(`→ ${session.outputStreamId} · ${session.canvas.width}×${session.canvas.height} · ${people} in the mix`)}</span>` +
      `<span>${session.frozen ? 'frozen' : ''}</span></div></div>`
    );
  });
  const toggle = showingCancelled
    ? '<a href="/sim/sessions">live only</a>'
    : '<a href="/sim/sessions?all=1">with cancelled</a>';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sessions · simulator</title>
<style>${STYLE}</style></head><body>
<header><strong>platform simulator</strong><a href="/sim/sessions">Sessions</a><a href="/sim/violations">Violations</a><a href="/sim/requests">Requests</a></header>
<main><h1>Mix sessions</h1><p class="filters">${toggle}</p>
${cards.length ? `<div class="cards">${cards.join('')}</div>` : '<p class="muted">No mix session: none was started yet.</p>'}
</main></body></html>`;
}

// The operator pages' look (src/http/ui/assets.ts), restated: the simulator imports nothing of the service.
const STYLE = `body { margin: 0; font: 14px/1.45 system-ui, sans-serif; color: #111827; background: #f9fafb; }
header { display: flex; gap: 1.5rem; align-items: center; padding: .6rem 1.2rem; background: #111827; color: #fff; }
header a { color: #e5e7eb; text-decoration: none; }
main { padding: 1rem 1.2rem; }
h1 { font-size: 1.3rem; margin: .3rem 0 1rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 1rem; }
.card { background: #fff; border: 1px solid #e5e7eb; border-radius: 6px; padding: .6rem; }
.card img { width: 100%; height: 200px; object-fit: contain; background: #f3f4f6; display: block; }
.meta { display: flex; justify-content: space-between; margin-top: .4rem; }
.muted { color: #6b7280; }
.status { display: inline-block; padding: 0 .5rem; border-radius: 999px; font-size: 12px; font-weight: 600; }
.status-live { background: #d1fae5; color: #065f46; }
.status-cancelled { background: #e5e7eb; color: #374151; }
.filters a { padding: .15rem .7rem; border: 1px solid #e5e7eb; border-radius: 999px; background: #fff; color: #111827; text-decoration: none; font-size: 13px; }`;

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.codePointAt(0)};`);
}
