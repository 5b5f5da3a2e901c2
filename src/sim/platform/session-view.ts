import { INPUT_TYPE, STREAM_INPUT_TYPES } from '../core/platform-rules.js';
import type { StreamRegistry } from '../core/streams.js';
import type { ResolvedInput, Size } from './geometry-types.js';
import type { Session } from './sessions.js';

/**
 * What a viewer of a session's output would see, as JSON (`GET /sim/sessions`) and as the input
 * of the frame SVG. Seed FAQ 6: a non-background input whose stream drops freezes on its last
 * frame; a dropped background freezes the whole picture; a re-push of the same name resumes it.
 */

export interface InputView extends ResolvedInput {
  /** Its stream is pushing now (always true for canvas and picture inputs). */
  live: boolean;
  /** A picture input whose stream is gone: shows its last frame. */
  frozen: boolean;
  /** When its stream stopped, Unix ms. */
  goneSince?: number;
}

/** A session as `GET /sim/sessions` shows it: its record without the request, and its picture. */
export type SessionView = Omit<Session, 'layout' | 'request'> & {
  state: 'live' | 'cancelled';
  canvas: Size;
  /** Some tile follows a template default whose real geometry Tencent does not publish. */
  approximateGeometry: boolean;
  /** The background stream is gone: the whole output is stuck on its last frame. */
  frozen: boolean;
  inputs: InputView[];
};

export function viewSession(session: Session, streams: StreamRegistry): SessionView {
  const inputs = session.layout.inputs.map((input): InputView => {
    const isStream = STREAM_INPUT_TYPES.has(input.inputType);
    const live = !isStream || streams.get(input.streamId) !== undefined;
    const view: InputView = { ...input, live, frozen: !live && input.inputType !== INPUT_TYPE.audio };
    const goneSince = live ? undefined : streams.lastStoppedAt(input.streamId);
    if (goneSince !== undefined) view.goneSince = goneSince;
    return view;
  });
  const background = inputs.find((input) => input.layer === 1);
  const view: SessionView = {
    sessionId: session.sessionId,
    state: session.cancelledAt === undefined ? 'live' : 'cancelled',
    outputStreamId: session.outputStreamId,
    outputType: session.outputType,
    templateId: session.templateId,
    canvas: { ...session.layout.canvas },
    approximateGeometry: session.layout.approximate,
    frozen: background?.frozen ?? false,
    inputs,
    startedAt: session.startedAt,
    updatedAt: session.updatedAt,
    starts: session.starts,
  };
  if (session.bitrate !== undefined) view.bitrate = session.bitrate;
  if (session.cancelledAt !== undefined) view.cancelledAt = session.cancelledAt;
  if (session.cancelReason !== undefined) view.cancelReason = session.cancelReason;
  if (session.abandonedCancelAt !== undefined) view.abandonedCancelAt = session.abandonedCancelAt;
  return view;
}
