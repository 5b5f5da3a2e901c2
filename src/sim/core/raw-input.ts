import { fail, MIX_CODE } from './mix-codes.js';
import type { MixOutcome, RawNumber, StartInput } from './mix-request.js';

/** How much of a body that is not JSON the request log keeps. */
const MAX_LOGGED_TEXT = 10_000;

/**
 * Reads one entry of a start's input list into the core's `StartInput`. The two protocols carry the
 * same fields under other names (legacy snake_case, API 3.0 PascalCase) and read numbers
 * differently (the legacy CGI takes numeric strings), so each passes its names and readers.
 */

export interface InputNames {
  streamId: string;
  layout: {
    key: string;
    layer: string;
    inputType: string;
    width: string;
    height: string;
    x: string;
    y: string;
    color: string;
    pictureId: string;
  };
  crop: { key: string; width: string; height: string; x: string; y: string };
}

export interface RawReaders {
  number(value: unknown): RawNumber;
  text(value: unknown): string;
}

export function readStartInput(entry: unknown, names: InputNames, read: RawReaders): StartInput {
  const input = asObject(entry);
  const at = names.layout;
  const layout = asObject(input?.[at.key]);
  const parsed: StartInput = {
    streamId: read.text(input?.[names.streamId]),
    hasLayout: layout !== undefined,
    layer: read.number(layout?.[at.layer]),
    inputType: read.number(layout?.[at.inputType]),
    width: read.number(layout?.[at.width]),
    height: read.number(layout?.[at.height]),
    x: read.number(layout?.[at.x]),
    y: read.number(layout?.[at.y]),
  };
  if (layout?.[at.color] !== undefined) parsed.color = read.text(layout[at.color]);
  if (layout?.[at.pictureId] !== undefined) parsed.pictureId = read.number(layout[at.pictureId]);
  const crop = asObject(input?.[names.crop.key]);
  if (crop) {
    parsed.crop = {
      width: read.number(crop[names.crop.width]),
      height: read.number(crop[names.crop.height]),
      x: read.number(crop[names.crop.x]),
      y: read.number(crop[names.crop.y]),
    };
  }
  return parsed;
}

/** A request body as JSON or, when it is not JSON, the start of its text (for the log) and its -1. */
export function readJsonBody(
  text: string,
): { json: true; body: unknown } | { json: false; body: string; outcome: MixOutcome } {
  try {
    return { json: true, body: JSON.parse(text) };
  } catch {
    return {
      json: false,
      body: text.slice(0, MAX_LOGGED_TEXT),
      outcome: fail(MIX_CODE.parse, 'the body is not JSON'),
    };
  }
}

/** A JSON object, or undefined for anything else (null, arrays, scalars). */
export function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
