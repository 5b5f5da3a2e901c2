import { INPUT_TYPE } from '../core/platform-rules.js';
import type { InputView, SessionView } from '../platform/session-view.js';

/**
 * The operator pages' palette (src/layout/svg.ts; the simulator imports nothing of the service's):
 * the background layer as the main, other streams as guests, pictures grey, on the pages' dark stage.
 */
const PALETTE = {
  stage: '#1f2937',
  background: '#2563eb',
  stream: '#059669',
  picture: '#6b7280',
  text: '#ffffff',
  font: 'system-ui, -apple-system, Segoe UI, sans-serif',
};

/**
 * The output picture of a session as an SVG: the background's size, inputs drawn in layer order at
 * their resolved geometry. Each tile is a `<g class="tile">` with `data-stream-id`, `data-layer`,
 * `data-frozen` and, first inside it, `<rect class="picture" x y width height>` — stable enough for
 * tests to read. Frozen tiles (stream gone, seed FAQ 6) are hatched and labelled; a frozen
 * background freezes the whole picture. Audio-only inputs have no picture and are listed below it.
 */
export function renderFrameSvg(view: SessionView): string {
  const { width, height } = view.canvas;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" data-session-id="${esc(view.sessionId)}" data-state="${view.state}" data-frozen="${view.frozen}">`,
    `<title>${esc(`session ${view.sessionId} → ${view.outputStreamId}`)}</title>`,
    '<defs><pattern id="frozen-hatch" width="16" height="16" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="16" fill="#ffffff" fill-opacity="0.35"/></pattern></defs>',
    `<rect class="output" x="0" y="0" width="${width}" height="${height}" fill="${PALETTE.stage}"/>`,
  ];
  const audio: InputView[] = [];
  for (const input of [...view.inputs].sort((a, b) => a.layer - b.layer)) {
    if (input.inputType === INPUT_TYPE.audio || !input.rect) {
      audio.push(input);
      continue;
    }
    parts.push(tile(input));
  }
  if (audio.length > 0) {
    const size = fontSize(width, height / 2);
    parts.push(`<g class="audio" font-family="${PALETTE.font}" font-size="${size}" fill="${PALETTE.text}">`);
    audio.forEach((input, i) => {
      const y = height - size * (audio.length - i) + size * 0.8;
      parts.push(
        `<text class="audio-input" data-stream-id="${esc(input.streamId)}" data-layer="${input.layer}" data-live="${input.live}" x="${size / 2}" y="${round(y)}">${esc(`♪ ${input.streamId}${input.live ? '' : ' (gone)'}`)}</text>`,
      );
    });
    parts.push('</g>');
  }
  if (view.frozen) {
    parts.push(
      `<g class="frozen-picture"><rect x="0" y="0" width="${width}" height="${height}" fill="url(#frozen-hatch)"/>${label(width / 2, height / 2, fontSize(width, height) * 1.5, 'FROZEN: background stream gone')}</g>`,
    );
  }
  if (view.state === 'cancelled') {
    parts.push(
      `<g class="cancelled"><rect x="0" y="0" width="${width}" height="${height}" fill="#000000" fill-opacity="0.6"/>${label(width / 2, height / 2, fontSize(width, height) * 1.5, 'CANCELLED')}</g>`,
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}

function tile(input: InputView): string {
  const rect = input.rect ?? { x: 0, y: 0, width: 0, height: 0 };
  const fill =
    input.inputType === INPUT_TYPE.canvas
      ? canvasColor(input.color)
      : input.inputType === INPUT_TYPE.picture
        ? PALETTE.picture
        : input.layer === 1
          ? PALETTE.background
          : PALETTE.stream;
  const caption =
    input.inputType === INPUT_TYPE.canvas
      ? ''
      : input.inputType === INPUT_TYPE.picture
        ? `picture ${input.pictureId ?? ''}`
        : input.streamId;
  const size = fontSize(rect.width, rect.height);
  const out = [
    `<g class="tile" data-stream-id="${esc(input.streamId)}" data-layer="${input.layer}" data-input-type="${input.inputType}" data-frozen="${input.frozen}">`,
    `<rect class="picture" x="${rect.x}" y="${rect.y}" width="${rect.width}" height="${rect.height}" fill="${fill}" stroke="#ffffff" stroke-opacity="0.5"/>`,
  ];
  if (caption) out.push(label(rect.x + rect.width / 2, rect.y + rect.height / 2, size, caption));
  if (input.frozen) {
    out.push(
      `<rect class="frozen" x="${rect.x}" y="${rect.y}" width="${rect.width}" height="${rect.height}" fill="url(#frozen-hatch)"/>`,
      label(rect.x + rect.width / 2, rect.y + rect.height / 2 + size * 1.3, size, 'frozen (last frame)'),
    );
  }
  out.push('</g>');
  return out.join('');
}

function label(x: number, y: number, size: number, text: string): string {
  return `<text x="${round(x)}" y="${round(y)}" font-family="${PALETTE.font}" font-size="${round(size)}" fill="${PALETTE.text}" font-weight="bold" text-anchor="middle" dominant-baseline="middle">${esc(text)}</text>`;
}

function fontSize(width: number, height: number): number {
  return Math.max(10, Math.min(48, Math.round(Math.min(width / 10, height / 6))));
}

function canvasColor(color: string | undefined): string {
  return color && /^0x[0-9A-Fa-f]{6}$/.test(color) ? `#${color.slice(2).toLowerCase()}` : '#000000';
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.codePointAt(0)};`);
}
