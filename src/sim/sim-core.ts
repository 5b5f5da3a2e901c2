import { type Clock, createClock } from './core/clock.js';
import { FaultInjector, type FaultPlan } from './core/faults.js';
import { type MixRequestRecord, RequestLog } from './core/request-log.js';
import { type LiveStream, type PushSpec, StreamRegistry } from './core/streams.js';
import { type CallbackRecord, CallbackSender } from './ingest/callback-sender.js';
import { Ingest } from './ingest/ingest.js';
import { MixPlatform } from './platform/mix-platform.js';
import { type SessionView, viewSession } from './platform/session-view.js';
import { SessionStore } from './platform/sessions.js';
import { RuleWatch, type Violation } from './platform/usage-rules.js';

/**
 * Every part of the simulator wired together, without HTTP: the routes (http/app.ts) and the
 * embedding API (simulator.ts) both drive this one object.
 */

export interface SimCoreOptions {
  appId: number;
  callbackKey: string;
  mixKey: string;
  timeScale: number;
  callbackUrl?: string;
  log: (line: string) => void;
}

/** A live stream as the simulator's API shows it: no ingest internals, and whether it is mixable yet. */
export type StreamView = Pick<
  LiveStream,
  'streamId' | 'sequence' | 'params' | 'width' | 'height' | 'domain' | 'appName' | 'pushedAt' | 'readyAt'
> & { ready: boolean };

export interface SimCore {
  readonly clock: Clock;
  readonly appId: number;
  readonly mixKey: string;
  readonly platform: MixPlatform;
  readonly faults: FaultInjector;
  readonly requestLog: RequestLog;
  readonly rules: RuleWatch;
  readonly callbacks: CallbackSender;
  /** Aborted at close. */
  readonly closing: AbortSignal;
  readonly log: (line: string) => void;
  callbackUrl(): string | undefined;
  setCallbackUrl(url: string | undefined): void;
  push(spec: PushSpec): { stream: StreamView; replaced: boolean };
  stop(streamId: string): StreamView | undefined;
  setResolution(streamId: string, width: number, height: number): StreamView | undefined;
  streams(): StreamView[];
  sessions(options?: { includeCancelled?: boolean }): SessionView[];
  session(sessionId: string): SessionView | undefined;
  requests(): MixRequestRecord[];
  violations(): Violation[];
  callbackRecords(): CallbackRecord[];
  setFaults(plan: FaultPlan): void;
  /** Forgets streams, sessions, requests, violations, callbacks and faults, sending no callback. */
  reset(): void;
  /** Stops every timer, pending callback retry and held request. */
  close(): void;
}

export function createSimCore(options: SimCoreOptions): SimCore {
  const clock = createClock(options.timeScale);
  const closing = new AbortController();
  const log = options.log;
  let callbackUrl = options.callbackUrl;

  const streams = new StreamRegistry(clock);
  const sessions = new SessionStore();
  const rules = new RuleWatch(clock);
  const requestLog = new RequestLog();
  const faults = new FaultInjector();
  const platform = new MixPlatform({ clock, appId: options.appId, streams, sessions, rules, log });
  const callbacks = new CallbackSender({ clock, faults, callbackUrl: () => callbackUrl, log });
  const ingest = new Ingest({
    clock,
    appId: options.appId,
    callbackKey: options.callbackKey,
    streams,
    platform,
    callbacks,
    closing: closing.signal,
    log,
  });

  const view = (stream: LiveStream): StreamView => ({
    streamId: stream.streamId,
    sequence: stream.sequence,
    params: stream.params,
    width: stream.width,
    height: stream.height,
    domain: stream.domain,
    appName: stream.appName,
    pushedAt: stream.pushedAt,
    readyAt: stream.readyAt,
    ready: streams.isReady(stream),
  });

  const core: SimCore = {
    clock,
    appId: options.appId,
    mixKey: options.mixKey,
    platform,
    faults,
    requestLog,
    rules,
    callbacks,
    closing: closing.signal,
    log,
    callbackUrl: () => callbackUrl,
    setCallbackUrl(url) {
      callbackUrl = url;
    },
    push(spec) {
      const result = ingest.push(spec);
      return { stream: view(result.stream), replaced: result.replaced !== undefined };
    },
    stop(streamId) {
      const stream = ingest.stop(streamId);
      return stream ? view(stream) : undefined;
    },
    setResolution(streamId, width, height) {
      const stream = ingest.setResolution(streamId, width, height);
      return stream ? view(stream) : undefined;
    },
    streams: () => streams.list().map(view),
    sessions: ({ includeCancelled = false } = {}) =>
      (includeCancelled ? sessions.all() : sessions.liveSessions()).map((s) => viewSession(s, streams)),
    session(sessionId) {
      const session = sessions.get(sessionId);
      return session ? viewSession(session, streams) : undefined;
    },
    requests: () => requestLog.list(),
    violations: () => rules.list(),
    callbackRecords: () => callbacks.list(),
    setFaults: (plan) => faults.set(plan),
    reset() {
      platform.stopTimers();
      ingest.reset();
      streams.clear();
      sessions.clear();
      requestLog.clear();
      rules.reset();
      callbacks.reset();
      faults.clear();
    },
    close() {
      closing.abort();
      callbacks.close();
      clock.dispose();
    },
  };
  return core;
}
