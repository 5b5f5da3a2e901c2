import type { LayoutEntry } from '../../rooms/layout-store.js';
import { Page } from './page.js';

/**
 * `/ui/layouts`: every layout template, drawn with 1, 2, … up to its slot count of people on air;
 * and `/ui/layouts/edit`: the template as JSON beside a preview that redraws as you type
 * (layouts.js), saved through `PUT /v1/layouts/:name`.
 */

export function LayoutsPage(props: { layouts: LayoutEntry[] }) {
  return (
    <Page title="Layouts">
      <link rel="stylesheet" href="/ui/assets/layouts.css" />
      <h1>Layouts</h1>
      <p>
        <a href="/ui/layouts/edit">New layout</a>
        <span class="muted"> · a room uses one with {'{"preset": "layout:<name>"}'}</span>
      </p>
      {props.layouts.length === 0 ? (
        <p class="muted">No layouts yet: PUT /v1/layouts/&lt;name&gt;, LAYOUTS_FILE, or the editor.</p>
      ) : null}
      {props.layouts.map((layout) => (
        <section class="layout" data-layout={layout.name}>
          <h2>
            {layout.name}{' '}
            <span class="muted">
              {layout.source === 'file' ? 'from LAYOUTS_FILE' : 'stored'}
              {layout.storedCopyIgnored ? ' (a stored copy is ignored: the file wins)' : ''}
            </span>{' '}
            <a href={`/ui/layouts/edit?name=${encodeURIComponent(layout.name)}`}>edit</a>
          </h2>
          {layout.template.description ? <p class="muted">{layout.template.description}</p> : null}
          <div class="cards">
            {peopleCounts(layout).map((people) => (
              <figure class="card">
                <img
                  src={`/ui/layouts/${layout.name}/picture.svg?people=${people}`}
                  alt={`${layout.name} with ${people} on air`}
                  loading="lazy"
                />
                <figcaption class="muted">{people === 1 ? '1 person' : `${people} people`}</figcaption>
              </figure>
            ))}
          </div>
        </section>
      ))}
    </Page>
  );
}

function peopleCounts(layout: LayoutEntry): number[] {
  return Array.from({ length: layout.template.slots.length }, (_, i) => i + 1);
}

export function LayoutEditor(props: { name: string; json: string; source?: string }) {
  return (
    <Page title="Layout editor">
      <link rel="stylesheet" href="/ui/assets/layouts.css" />
      <h1>Layout editor</h1>
      {props.source === 'file' ? (
        <p class="notice">LAYOUTS_FILE defines this layout: a stored copy would be ignored while it does.</p>
      ) : null}
      <div class="editor">
        <div>
          <label>
            Name <input id="layout-name" name="name" value={props.name} pattern="[A-Za-z0-9_\-]{1,64}" />
          </label>
          <label>
            People on air <input id="layout-people" type="number" min="1" max="15" value="2" />
          </label>
          <textarea id="layout-json" spellcheck={false} rows={30}>
            {props.json}
          </textarea>
          <p>
            <button id="layout-save" type="button">
              Save
            </button>{' '}
            <span id="layout-status" class="muted" />
          </p>
        </div>
        <figure>
          <img id="layout-preview" alt="preview of the layout" />
          <figcaption class="muted">Drag a slot to move it, its corner to resize it:</figcaption>
          <div id="layout-arrange" class="arrange" />
        </figure>
      </div>
      <script src="/ui/assets/layouts.js" defer></script>
    </Page>
  );
}

/** What a new layout starts from: a host and two guests, with a placeholder. */
export const STARTER_TEMPLATE = {
  canvas: { width: 1280, height: 720 },
  background: { color: '0x111827' },
  slots: [
    { name: 'host', rect: { x: 0, y: 0, width: 860, height: 720 }, takes: 'main' },
    { name: 'guest 1', rect: { x: 860, y: 0, width: 420, height: 360 }, placeholder: { color: '0x374151' } },
    {
      name: 'guest 2',
      rect: { x: 860, y: 360, width: 420, height: 360 },
      placeholder: { color: '0x374151' },
    },
  ],
};
