import type { Clock } from '../core/clock.js';
import { fail, MIX_CODE, SUCCESS } from '../core/mix-codes.js';
import type { CancelRequest, MixOutcome, MixRequest, StartRequest } from '../core/mix-request.js';
import { INPUT_TYPE, MAX_PIXELS, PLATFORM_MS, STREAM_INPUT_TYPES } from '../core/platform-rules.js';
import type { StreamRegistry } from '../core/streams.js';
import { resolveLayout, type StreamSizeLookup } from './geometry.js';
import type { Size } from './geometry-types.js';
import type { Session, SessionStore } from './sessions.js';
import { checkStartRequest } from './start-checks.js';
import type { RuleWatch } from './usage-rules.js';

/**
 * The mix service's core, protocol-neutral: checks a start or cancel against the live streams and
 * sessions, answers a code, and keeps sessions in step with their streams (a session whose every
 * input stream is gone is cancelled after 15 min). Front-ends (legacy CGI, API 3.0) parse into
 * `MixRequest`, call `observe` then `handle`, and format the outcome their own way.
 */

export interface MixPlatformOptions {
  clock: Clock;
  appId: number;
  streams: StreamRegistry;
  sessions: SessionStore;
  rules: RuleWatch;
  log: (line: string) => void;
}

export class MixPlatform {
  private readonly abandonTimers = new Map<string, () => void>();

  constructor(private readonly options: MixPlatformOptions) {}

  /** Records the request against the usage rules. Call for every request, before any fault. */
  observe(req: MixRequest): void {
    const { streams, sessions, rules } = this.options;
    if (req.op === 'start') {
      const previous = sessions.get(req.sessionId);
      const cancelledByRequest =
        previous?.cancelReason === 'request' && previous.cancelledAt !== undefined
          ? previous.cancelledAt
          : undefined;
      rules.onStart({
        sessionId: req.sessionId,
        inputs: req.inputs
          .filter((input) => STREAM_INPUT_TYPES.has(input.inputType ?? INPUT_TYPE.av))
          .map((input) => {
            const stream = streams.get(input.streamId);
            return stream
              ? { streamId: input.streamId, readyAt: stream.readyAt }
              : { streamId: input.streamId };
          }),
        ...(cancelledByRequest !== undefined ? { cancelledAt: cancelledByRequest } : {}),
      });
    } else {
      const session = sessions.live(req.sessionId);
      // Every accepted start counts, the first and each update (`updatedAt`).
      rules.onCancel(
        session ? { sessionId: req.sessionId, lastStartAt: session.updatedAt } : { sessionId: req.sessionId },
      );
    }
  }

  handle(req: MixRequest): MixOutcome {
    const outcome = req.op === 'start' ? this.start(req) : this.cancel(req);
    this.options.log(
      `${req.op} ${req.sessionId || '?'} → ${outcome.code}${outcome.code === 0 ? '' : ` ${outcome.message}`}`,
    );
    return outcome;
  }

  start(req: StartRequest): MixOutcome {
    const { streams, sessions, clock } = this.options;
    const invalid = checkStartRequest(req);
    if (invalid) return invalid;
    const outputType = req.outputType === 1 ? 1 : 0;

    if (outputType === 1 && streams.get(req.outputStreamId)) {
      return fail(
        MIX_CODE.outputType,
        `output_stream_type is [1],but output_stream_id ${req.outputStreamId} is an existing stream`,
      );
    }
    const current = sessions.live(req.sessionId);
    if (current && current.outputStreamId !== req.outputStreamId) {
      return fail(
        MIX_CODE.sessionOutput,
        `session ${req.sessionId} outputs ${current.outputStreamId}, not ${req.outputStreamId}`,
      );
    }
    const other = sessions.liveByOutput(req.outputStreamId);
    if (other && other.sessionId !== req.sessionId) {
      return fail(MIX_CODE.outputInUse, `${req.outputStreamId} is the output of session ${other.sessionId}`);
    }
    // Streams are looked up under the request's app_id: a wrong one finds nothing (seed FAQ 2).
    if (req.appId !== this.options.appId) {
      return fail(MIX_CODE.inputNotFound, `no stream of app_id ${req.appId} is live: check app_id`);
    }

    const background = req.inputs.find((input) => input.layer === 1);
    if (
      background &&
      STREAM_INPUT_TYPES.has(background.inputType ?? INPUT_TYPE.av) &&
      !streams.get(background.streamId)
    ) {
      return fail(MIX_CODE.backgroundSize, `background stream ${background.streamId} is not live`);
    }
    for (const input of req.inputs) {
      if (!STREAM_INPUT_TYPES.has(input.inputType ?? INPUT_TYPE.av)) continue;
      const stream = streams.get(input.streamId);
      if (!stream) return fail(MIX_CODE.inputNotFound, `${input.streamId} is not live`);
      // Seed -4: "input and output width/height within (0, 3000)".
      if (stream.width > MAX_PIXELS || stream.height > MAX_PIXELS) {
        return fail(
          MIX_CODE.streamParam,
          `${input.streamId} is ${stream.width}x${stream.height}, over ${MAX_PIXELS} pixels a side`,
        );
      }
      if (!streams.isReady(stream)) {
        const age = Math.round(clock.toPlatform(clock.now() - stream.pushedAt));
        return fail(
          MIX_CODE.inputNotFound,
          `${input.streamId} was pushed ${age} ms ago; it is mixable ${PLATFORM_MS.readyDelay} ms after its push`,
        );
      }
    }

    const resolved = resolveLayout(req, this.sizeLookup);
    if (!resolved.ok) return resolved.outcome;

    const { session } = sessions.apply(
      {
        sessionId: req.sessionId,
        outputStreamId: req.outputStreamId,
        outputType,
        templateId: req.templateId ?? 0,
        ...(req.bitrate !== undefined ? { bitrate: req.bitrate } : {}),
        layout: resolved.layout,
        request: req,
      },
      clock.now(),
    );
    this.reviewAbandonment(session);
    return SUCCESS;
  }

  cancel(req: CancelRequest): MixOutcome {
    const { sessions, clock } = this.options;
    if (!req.eventId) return fail(MIX_CODE.param, 'eventId must not be 0');
    if (!req.appId) return fail(MIX_CODE.param, 'app_id must not be 0');
    const session = req.appId === this.options.appId ? sessions.get(req.sessionId) : undefined;
    if (!session) return fail(MIX_CODE.cancelUnknown, `no session ${req.sessionId}`);
    if (session.cancelledAt !== undefined) {
      return fail(MIX_CODE.cancelUnknown, `session ${req.sessionId} is already cancelled`);
    }
    if (req.outputStreamId !== session.outputStreamId) {
      return fail(
        MIX_CODE.cancelOutput,
        `session ${req.sessionId} outputs ${session.outputStreamId}, not ${req.outputStreamId || '(none)'}`,
      );
    }
    sessions.cancel(req.sessionId, 'request', clock.now());
    this.stopAbandonTimer(req.sessionId);
    return SUCCESS;
  }

  /** A stream went live or stopped: frozen tiles change, abandoned sessions start or stop counting. */
  onStreamChanged(streamId: string): void {
    for (const session of this.sessionsUsing(streamId)) this.reviewAbandonment(session);
  }

  /** A source changed resolution: default sizes follow it, as on the platform (seed FAQ 9). */
  onResolutionChanged(streamId: string): void {
    for (const session of this.sessionsUsing(streamId)) {
      // An input whose stream has stopped keeps the size it had: only a start must find it live.
      const lastKnown = new Map<string, Size>();
      for (const input of session.layout.inputs) {
        if (input.source && !lastKnown.has(input.streamId)) lastKnown.set(input.streamId, input.source);
      }
      const sizeOf: StreamSizeLookup = (id) => this.sizeLookup(id) ?? lastKnown.get(id);
      const resolved = resolveLayout(session.request, sizeOf);
      // A layout the new size breaks (say, now overflowing) keeps its last good geometry.
      if (resolved.ok) session.layout = resolved.layout;
    }
  }

  /** Forgets every pending abandoned-session cancel (used by reset). */
  stopTimers(): void {
    for (const cancel of this.abandonTimers.values()) cancel();
    this.abandonTimers.clear();
  }

  private readonly sizeLookup: StreamSizeLookup = (streamId) => {
    const stream = this.options.streams.get(streamId);
    return stream ? { width: stream.width, height: stream.height } : undefined;
  };

  private sessionsUsing(streamId: string): Session[] {
    return this.options.sessions
      .liveSessions()
      .filter((session) => session.layout.inputs.some((input) => input.streamId === streamId));
  }

  private reviewAbandonment(session: Session): void {
    const { streams, sessions, clock, log } = this.options;
    const streamInputs = session.layout.inputs.filter((input) => STREAM_INPUT_TYPES.has(input.inputType));
    const allGone = streamInputs.length > 0 && streamInputs.every((input) => !streams.get(input.streamId));
    const sessionId = session.sessionId;
    if (allGone && !this.abandonTimers.has(sessionId)) {
      session.abandonedCancelAt = clock.now() + clock.toReal(PLATFORM_MS.abandonedSessionCancel);
      this.abandonTimers.set(
        sessionId,
        clock.after(PLATFORM_MS.abandonedSessionCancel, () => {
          this.abandonTimers.delete(sessionId);
          sessions.cancel(sessionId, 'abandoned', clock.now());
          log(
            `session ${sessionId} cancelled: every input stream gone for ${PLATFORM_MS.abandonedSessionCancel} ms`,
          );
        }),
      );
    } else if (!allGone) {
      this.stopAbandonTimer(sessionId);
      delete session.abandonedCancelAt;
    }
  }

  private stopAbandonTimer(sessionId: string): void {
    this.abandonTimers.get(sessionId)?.();
    this.abandonTimers.delete(sessionId);
  }
}
