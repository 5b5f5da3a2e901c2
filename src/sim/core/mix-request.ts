/**
 * A mix request as the platform's core sees it, whatever protocol carried it: the legacy CGI parses
 * its snake_case body into these shapes (legacy/parse.ts), API 3.0 its PascalCase one (api3/parse.ts),
 * and both reuse every check and the session store.
 *
 * Values are kept raw (a number may be NaN, a layer may be missing) so the checks, not the parser,
 * decide which error code a defect earns.
 */

/** Optional raw geometry value: pixels (≥ 1 or 0), or a fraction of the background in [0.01, 0.99]. */
export type RawNumber = number | undefined;

export interface RawCrop {
  width: RawNumber;
  height: RawNumber;
  x: RawNumber;
  y: RawNumber;
}

export interface StartInput {
  streamId: string;
  /** False when the input came without its layout block (error -4). */
  hasLayout: boolean;
  layer: RawNumber;
  /** Absent = 0 (audio + video). */
  inputType: RawNumber;
  width: RawNumber;
  height: RawNumber;
  x: RawNumber;
  y: RawNumber;
  crop?: RawCrop;
  color?: string;
  pictureId?: RawNumber;
}

export interface StartRequest {
  op: 'start';
  appId: RawNumber;
  eventId: RawNumber;
  sessionId: string;
  outputStreamId: string;
  /** Absent = 0. */
  outputType: RawNumber;
  /** Absent = 0 (custom layout). */
  templateId: RawNumber;
  bitrate: RawNumber;
  inputs: StartInput[];
}

export interface CancelRequest {
  op: 'cancel';
  appId: RawNumber;
  eventId: RawNumber;
  sessionId: string;
  outputStreamId: string;
}

export type MixRequest = StartRequest | CancelRequest;

/** The platform's answer: 0 = success, otherwise a code from mix-codes.ts. */
export interface MixOutcome {
  code: number;
  message: string;
}
