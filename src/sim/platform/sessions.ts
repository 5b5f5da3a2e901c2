import type { StartRequest } from '../core/mix-request.js';
import type { ResolvedLayout } from './geometry-types.js';

/**
 * Mix sessions as the platform keeps them: session id → output id, inputs and resolved layout,
 * with their start/update/cancel times. A cancelled session stays here (state `cancelled`) until
 * its id starts again, so a second cancel and a too-early reuse can be recognised.
 */

export type CancelReason = 'request' | 'abandoned';

/** What an accepted start sets: the session's output, inputs and resolved layout. */
export interface StartedSession {
  sessionId: string;
  outputStreamId: string;
  outputType: 0 | 1;
  templateId: number;
  bitrate?: number;
  layout: ResolvedLayout;
  /** The last accepted request, kept to re-resolve the layout when a source changes resolution. */
  request: StartRequest;
}

export interface Session extends StartedSession {
  /** Unix ms (real) of the first start of this incarnation. */
  startedAt: number;
  updatedAt: number;
  /** Accepted starts (the first one plus updates). */
  starts: number;
  cancelledAt?: number;
  cancelReason?: CancelReason;
  /** When the platform will cancel it because every input stream is gone. */
  abandonedCancelAt?: number;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  get(sessionId: string): Session | undefined {
    return this.sessions.get(sessionId);
  }

  /** The session if it is mixing now. */
  live(sessionId: string): Session | undefined {
    const session = this.sessions.get(sessionId);
    return session && session.cancelledAt === undefined ? session : undefined;
  }

  /** The live session that outputs `outputStreamId`, if any. */
  liveByOutput(outputStreamId: string): Session | undefined {
    for (const session of this.sessions.values()) {
      if (session.cancelledAt === undefined && session.outputStreamId === outputStreamId) return session;
    }
    return undefined;
  }

  /** Creates the session, or updates it when the same session id is live (same output id). */
  apply(started: StartedSession, now: number): { session: Session; created: boolean } {
    const existing = this.live(started.sessionId);
    if (existing) {
      existing.layout = started.layout;
      existing.request = started.request;
      existing.templateId = started.templateId;
      existing.outputType = started.outputType;
      if (started.bitrate !== undefined) existing.bitrate = started.bitrate;
      else delete existing.bitrate;
      existing.updatedAt = now;
      existing.starts += 1;
      return { session: existing, created: false };
    }
    const session: Session = { ...started, startedAt: now, updatedAt: now, starts: 1 };
    this.sessions.set(started.sessionId, session);
    return { session, created: true };
  }

  cancel(sessionId: string, reason: CancelReason, now: number): Session | undefined {
    const session = this.live(sessionId);
    if (!session) return undefined;
    session.cancelledAt = now;
    session.cancelReason = reason;
    delete session.abandonedCancelAt;
    return session;
  }

  liveSessions(): Session[] {
    return [...this.sessions.values()].filter((s) => s.cancelledAt === undefined);
  }

  all(): Session[] {
    return [...this.sessions.values()];
  }

  clear(): void {
    this.sessions.clear();
  }
}
