import { COLOR_PATTERN, INPUT_TYPES } from '../tencent/limits.js';
import type { MixPlan, Tile, TileRole } from './plan.js';

/**
 * A picture of a plan for operators: the canvas with every tile in z-order (stream id, layer,
 * slot, crop), coloured by role; audio-only inputs as labelled chips under the canvas (they have
 * no tile), and inputs a template places listed the same way. The viewBox is in canvas pixels,
 * so what is drawn is what is sent.
 */
export interface SvgOptions {
  /** Longest side of the drawing in CSS pixels (default 640); the viewBox stays in canvas pixels. */
  maxSize?: number;
  /** Heading above the canvas; default: preset, size and output. */
  title?: string;
  /** Lines printed under the picture, e.g. `explain(snapshot)`. */
  notes?: readonly string[];
}

/** The smallest text drawn, in CSS pixels at the picture's drawn size (header and legend included). */
export const LABEL_MIN_PX = 8;

const ROLE_FILL: Record<TileRole, string> = {
  main: '#2563eb',
  guest: '#059669',
  canvas: '#000000',
  picture: '#6b7280',
};

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** `null` (no mix should run) draws a card saying so, with the notes as the reasons. */
export function renderSvg(plan: MixPlan | null, options: SvgOptions = {}): string {
  if (plan === null) return noMixSvg(options);
  const { width: W, height: H } = plan.canvas;
  // The smallest line: ~1/36 of the canvas, and never under LABEL_MIN_PX where the picture is drawn
  // (a room card draws it ~170 px tall, so a canvas pixel there is under a fifth of a pixel).
  const drawnScale = (options.maxSize ?? 640) / Math.max(W, H);
  // The heading and the legend make the drawing ~1/4 taller than the canvas at most: room for them.
  const unit = Math.max(8, Math.round(Math.max(W, H) / 36), Math.ceil((1.25 * LABEL_MIN_PX) / drawnScale));
  const header = Math.round(unit * 1.8);
  const byLayer = [...plan.inputs].sort((a, b) => a.layer - b.layer);

  const audio = byLayer.filter((t) => t.inputType === INPUT_TYPES.audio);
  // Streams with no rectangle that are not the full-frame background: a template places them.
  const unplaced = byLayer.filter(
    (t) =>
      t.inputType !== INPUT_TYPES.audio && !t.rect && t.layer !== 1 && t.inputType !== INPUT_TYPES.canvas,
  );
  const legendRows: string[] = [];
  let legendHeight = 0;
  const row = (label: string, chips: Tile[], fill: (t: Tile) => string) => {
    if (chips.length === 0) return;
    const y = header + H + legendHeight + Math.round(unit * 0.4);
    const fs = Math.round(unit * 0.8);
    const parts = [text(Math.round(unit * 0.4), y + fs, fs, '#111827', label)];
    let x = Math.round(unit * 0.4) + Math.round(label.length * fs * 0.6) + unit;
    for (const t of chips) {
      const chipLabel = `${t.streamId} · L${t.layer}`;
      const w = Math.round(chipLabel.length * fs * 0.62) + unit;
      if (x + w > W && x > unit * 4) {
        legendHeight += Math.round(unit * 1.6);
        x = Math.round(unit * 0.4);
      }
      const cy = header + H + legendHeight + Math.round(unit * 0.4);
      parts.push(
        `<g data-stream="${escapeXml(t.streamId)}" data-layer="${t.layer}"><title>${escapeXml(describe(t))}</title>` +
          `<rect x="${x}" y="${cy}" width="${w}" height="${Math.round(unit * 1.2)}" rx="${Math.round(unit * 0.6)}" fill="${fill(t)}"/>` +
          text(x + Math.round(unit / 2), cy + fs + Math.round(unit * 0.1), fs, '#ffffff', chipLabel) +
          '</g>',
      );
      x += w + Math.round(unit * 0.4);
    }
    legendRows.push(parts.join(''));
    legendHeight += Math.round(unit * 1.6);
  };
  row('audio only:', audio, (t) => ROLE_FILL[t.role]);
  row(`placed by template ${plan.templateId}:`, unplaced, (t) => ROLE_FILL[t.role]);
  const noteSize = Math.round(unit * 0.7);
  for (const note of options.notes ?? []) {
    for (const line of wrap(note, Math.max(20, Math.floor((W - unit) / (noteSize * 0.55))))) {
      legendRows.push(
        text(
          Math.round(unit * 0.4),
          header + H + legendHeight + Math.round(unit * 1.1),
          noteSize,
          '#374151',
          line,
        ),
      );
      legendHeight += Math.round(unit * 1.1);
    }
  }
  if (legendHeight > 0) legendHeight += Math.round(unit * 0.4);

  const totalHeight = header + H + legendHeight;
  const scale = (options.maxSize ?? 640) / Math.max(W, totalHeight);
  const title =
    options.title ??
    `${plan.preset} · ${W}×${H} · output ${plan.outputStreamId} (type ${plan.outputType})` +
      (plan.templateId ? ` · template ${plan.templateId}` : '');

  const body: string[] = [];
  body.push(`<rect x="0" y="0" width="${W}" height="${header}" fill="#111827"/>`);
  body.push(text(Math.round(unit * 0.4), Math.round(header * 0.7), unit, '#f9fafb', title));
  body.push(`<g transform="translate(0 ${header})">`);
  body.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="#1f2937"/>`);
  for (const t of byLayer) {
    if (t.inputType === INPUT_TYPES.audio) continue;
    const rect = t.rect ?? (t.layer === 1 ? { x: 0, y: 0, width: W, height: H } : undefined);
    if (!rect) continue;
    body.push(tileSvg(t, rect, unit));
  }
  body.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="none" stroke="#111827" stroke-width="2"/>`);
  body.push('</g>');
  body.push(...legendRows);

  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.round(W * scale)}" height="${Math.round(totalHeight * scale)}" ` +
    `viewBox="0 0 ${W} ${totalHeight}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" role="img" ` +
    `aria-label="${escapeXml(title)}">` +
    `<title>${escapeXml(title)}</title>` +
    `<rect x="0" y="0" width="${W}" height="${totalHeight}" fill="#f3f4f6"/>` +
    body.join('') +
    '</svg>'
  );
}

/** An empty stage: a dark 16:9 canvas with an empty tile outline, then the reasons. */
function noMixSvg(options: SvgOptions): string {
  const title = options.title ?? 'no mix';
  const width = 640;
  // Text never under LABEL_MIN_PX where it is drawn: a room card's picture is ~170 px, where the
  // notes would be specks, so they are left to the page that lists them.
  const minFont = Math.ceil((1.25 * LABEL_MIN_PX * width) / (options.maxSize ?? 640));
  const titleSize = Math.max(20, minFont);
  const noteSize = 18;
  const notes = noteSize >= minFont ? (options.notes ?? []) : [];
  const header = Math.round(titleSize * 2.2);
  const stage = 360;
  const lineHeight = 24;
  const noteLines = notes.flatMap((note) => wrap(note, 60));
  const height = header + stage + (noteLines.length ? noteLines.length * lineHeight + 16 : 0);
  const scale = (options.maxSize ?? 640) / Math.max(width, height);
  const lines = noteLines.map((note, i) =>
    text(16, header + stage + 28 + i * lineHeight, noteSize, '#374151', note),
  );
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.round(width * scale)}" height="${Math.round(height * scale)}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" role="img" ` +
    `aria-label="${escapeXml(title)}"><title>${escapeXml(title)}</title>` +
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#f3f4f6"/>` +
    `<rect x="0" y="0" width="${width}" height="${header}" fill="#111827"/>` +
    text(16, Math.round(header * 0.66), titleSize, '#f9fafb', title) +
    `<g data-empty-stage=""><rect x="0" y="${header}" width="${width}" height="${stage}" fill="#1f2937"/>` +
    `<rect x="200" y="${header + 70}" width="240" height="180" rx="10" fill="none" stroke="#6b7280" stroke-width="3" stroke-dasharray="12 8"/>` +
    `<circle cx="320" cy="${header + 140}" r="26" fill="none" stroke="#6b7280" stroke-width="3"/>` +
    `<path d="M272 ${header + 228} q48 -52 96 0" fill="none" stroke="#6b7280" stroke-width="3"/>` +
    `<text x="320" y="${header + 300}" font-size="${Math.max(28, minFont)}" fill="#d1d5db" text-anchor="middle">nobody on air</text></g>` +
    lines.join('') +
    '</svg>'
  );
}

function tileSvg(
  t: Tile,
  rect: { x: number; y: number; width: number; height: number },
  unit: number,
): string {
  const fill = t.inputType === INPUT_TYPES.canvas ? hexColor(t.color) : ROLE_FILL[t.role];
  const isBackground = t.layer === 1;
  const dashed = t.inputType === INPUT_TYPES.video ? ' stroke-dasharray="8 6"' : '';
  const opacity = t.inputType === INPUT_TYPES.canvas || isBackground ? 1 : 0.9;
  const parts = [
    `<g data-stream="${escapeXml(t.streamId)}" data-layer="${t.layer}">`,
    `<title>${escapeXml(describe(t))}</title>`,
    `<rect x="${rect.x}" y="${rect.y}" width="${rect.width}" height="${rect.height}" fill="${fill}" ` +
      `fill-opacity="${opacity}" stroke="#f9fafb" stroke-width="${isBackground ? 0 : 2}"${dashed}/>`,
  ];
  if (t.inputType !== INPUT_TYPES.canvas) {
    const details = [`L${t.layer}`, ...(t.slot !== undefined ? [`slot ${t.slot}`] : []), t.role];
    if (t.inputType === INPUT_TYPES.video) details.push('video only');
    if (t.inputType === INPUT_TYPES.picture && t.pictureId !== undefined)
      details.push(`picture ${t.pictureId}`);
    const inset = Math.max(1, Math.round(rect.width * 0.03));
    const room = rect.width - 2 * inset;
    // Labels stay readable at thumbnail size (a 320 px card draws a canvas pixel at ~1/4 px): no
    // line is drawn below `readable` (~1/36 of the canvas's long side). What does not fit at that
    // size is shortened (the name, with an ellipsis), or left to the tile's tooltip (the details).
    const readable = unit;
    const fits = (line: string, size: number) => 0.6 * Math.max(line.length, 3) * size <= room;
    const fontSizeFor = (line: string, max: number) =>
      Math.floor(Math.min(max, room / (0.6 * Math.max(line.length, 3))));
    const nameSize = Math.max(1, Math.floor(Math.min(unit * 1.3, Math.max(readable, rect.height / 4))));
    const nameChars = Math.max(3, Math.floor(room / (0.6 * nameSize)));
    const name = t.streamId.length > nameChars ? `${t.streamId.slice(0, nameChars - 1)}…` : t.streamId;
    const x = rect.x + inset;
    let y = rect.y + Math.round(nameSize * 1.2);
    parts.push(text(x, y, nameSize, '#ffffff', name, 'bold'));
    const full = details.join(' · ');
    const short = [t.role, ...(t.slot !== undefined ? [`slot ${t.slot}`] : [])].join(' · ');
    const subMax = Math.max(readable, nameSize * 0.8);
    const sub = [full, short, t.role].find((line) => fits(line, readable));
    if (sub !== undefined && y + readable * 1.3 <= rect.y + rect.height) {
      const subSize = Math.max(readable, fontSizeFor(sub, subMax));
      y += Math.round(subSize * 1.3);
      parts.push(text(x, y, subSize, '#e5e7eb', sub));
      if (t.crop) {
        const c = t.crop;
        const cropLine = `crop ${c.width}×${c.height} at ${c.x},${c.y}`;
        if (fits(cropLine, readable) && y + readable * 2.6 <= rect.y + rect.height) {
          parts.push(text(x, y + Math.round(readable * 1.3), readable, '#fde68a', cropLine));
        }
      }
    }
  }
  parts.push('</g>');
  return parts.join('');
}

/** Breaks `line` at spaces into pieces of at most `width` characters (a longer word stands alone). */
export function wrap(line: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    if (current && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  if (current) lines.push(current);
  return lines;
}

function text(x: number, y: number, size: number, fill: string, content: string, weight?: 'bold'): string {
  const w = weight ? ` font-weight="${weight}"` : '';
  return `<text x="${x}" y="${y}" font-size="${size}" fill="${fill}"${w}>${escapeXml(content)}</text>`;
}

function hexColor(color: string | undefined): string {
  return color !== undefined && COLOR_PATTERN.test(color) ? `#${color.slice(2)}` : '#000000';
}

function describe(t: Tile): string {
  const parts = [`${t.streamId}`, `layer ${t.layer}`, `input_type ${t.inputType}`, t.role];
  if (t.slot !== undefined) parts.push(`slot ${t.slot}`);
  if (t.rect) parts.push(`${t.rect.width}×${t.rect.height} at (${t.rect.x}, ${t.rect.y})`);
  if (t.crop) parts.push(`crop ${t.crop.width}×${t.crop.height} at (${t.crop.x}, ${t.crop.y})`);
  if (t.source) parts.push(`source ${t.source.width}×${t.source.height}`);
  return parts.join(' · ');
}
