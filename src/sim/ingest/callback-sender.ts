import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Clock } from '../core/clock.js';
import type { FaultInjector } from '../core/faults.js';
import { CALLBACK_RETRIES, PLATFORM_MS } from '../core/platform-rules.js';
import type { CallbackBody, CallbackKind } from './callback-bodies.js';

/**
 * Delivers callbacks as Tencent does: a POST per event, success = HTTP 200 within 20 s, else up to
 * 12 retries a minute apart (both scaled). Sent with node:http rather than fetch so a test's global
 * fetch interception (undici MockAgent) cannot swallow them.
 */

export interface CallbackAttempt {
  at: number;
  /** HTTP status, or null when no answer came (refused, timed out). */
  status: number | null;
  error?: string;
}

export interface CallbackRecord {
  id: number;
  kind: CallbackKind;
  streamId: string;
  sequence: string;
  errcode: number;
  /** The body as sent, minus `sign`. */
  body: CallbackBody;
  /** The second copy of a duplicated callback (fault injection). */
  duplicate: boolean;
  /** Lost on purpose (fault injection): no attempt is made. */
  dropped: boolean;
  delivered: boolean;
  /** Still being attempted or waiting for a retry. */
  pending: boolean;
  attempts: CallbackAttempt[];
}

export interface CallbackSenderOptions {
  clock: Clock;
  faults: FaultInjector;
  callbackUrl: () => string | undefined;
  log: (line: string) => void;
}

const MAX_RECORDS = 10_000;

export class CallbackSender {
  private readonly records: CallbackRecord[] = [];
  /** Aborts the deliveries in flight; replaced by a fresh one on `clear`, for good on `close`. */
  private pending = new AbortController();
  private closed = false;
  private nextId = 1;

  constructor(private readonly options: CallbackSenderOptions) {}

  /**
   * Queues a callback (and, under faults, its duplicate). The promise settles once the first
   * attempt is over — answered, failed, or never made — so a caller can order a later callback.
   */
  send(kind: CallbackKind, body: CallbackBody): Promise<void> {
    const fault = this.options.faults.forCallback();
    const record = this.newRecord(kind, body, false);
    if (fault.drop) {
      record.dropped = true;
      record.pending = false;
      this.options.log(`callback ${describe(record)} dropped (fault)`);
      return Promise.resolve();
    }
    const first = this.deliver(record, body, fault.delayMs);
    if (fault.duplicate) {
      void this.deliver(this.newRecord(kind, body, true), body, fault.duplicateDelayMs);
    }
    return first;
  }

  list(): CallbackRecord[] {
    return this.records.map((record) => ({ ...record, attempts: [...record.attempts] }));
  }

  /** Forgets the records; deliveries in flight carry on. */
  clear(): void {
    this.records.length = 0;
  }

  /** Forgets the records and abandons every delivery in flight or waiting for a retry. */
  reset(): void {
    this.clear();
    this.pending.abort();
    if (!this.closed) this.pending = new AbortController();
  }

  /** Aborts every attempt in flight and every pending retry; later sends are not attempted. */
  close(): void {
    this.closed = true;
    this.pending.abort();
  }

  private newRecord(kind: CallbackKind, body: CallbackBody, duplicate: boolean): CallbackRecord {
    const { sign: _sign, ...unsigned } = body;
    const record: CallbackRecord = {
      id: this.nextId++,
      kind,
      streamId: String(body.stream_id),
      sequence: String(body.sequence),
      errcode: Number(body.errcode),
      body: unsigned,
      duplicate,
      dropped: false,
      delivered: false,
      pending: true,
      attempts: [],
    };
    if (this.records.length >= MAX_RECORDS) this.records.shift();
    this.records.push(record);
    return record;
  }

  private deliver(record: CallbackRecord, body: CallbackBody, delayMs: number): Promise<void> {
    const { clock, log } = this.options;
    const signal = this.pending.signal;
    // A retry resends the same notification, `t` and `sign` included (reference §8 q.2).
    const payload = JSON.stringify(body);
    let firstAttemptDone: () => void = () => {};
    const firstAttempt = new Promise<void>((resolve) => {
      firstAttemptDone = resolve;
    });

    const run = async () => {
      if (delayMs > 0 && !(await clock.sleepReal(delayMs, signal))) return;
      for (let attempt = 0; attempt <= CALLBACK_RETRIES; attempt++) {
        if (signal.aborted) return;
        const url = this.options.callbackUrl();
        if (!url) {
          log(`callback ${describe(record)} not sent: no callback URL is set`);
          return;
        }
        const result = await postJson(url, payload, clock, clock.toReal(PLATFORM_MS.callbackTimeout), signal);
        if (signal.aborted) return;
        record.attempts.push({ at: clock.now(), ...result });
        firstAttemptDone();
        if (result.status === 200) {
          record.delivered = true;
          log(`callback ${describe(record)} → 200${attempt > 0 ? ` (attempt ${attempt + 1})` : ''}`);
          return;
        }
        const answer = result.status === null ? (result.error ?? 'no answer') : `HTTP ${result.status}`;
        if (attempt === CALLBACK_RETRIES) {
          log(`callback ${describe(record)} → ${answer}; given up after ${attempt + 1} attempts`);
          return;
        }
        log(`callback ${describe(record)} → ${answer}; retry ${attempt + 1}/${CALLBACK_RETRIES} later`);
        if (!(await clock.sleep(PLATFORM_MS.callbackRetryInterval, signal))) return;
      }
    };
    void run()
      .catch((error: unknown) => log(`callback ${describe(record)} failed: ${String(error)}`))
      .finally(() => {
        record.pending = false;
        firstAttemptDone();
      });
    return firstAttempt;
  }
}

function describe(record: CallbackRecord): string {
  return `${record.kind} ${record.streamId} seq=${record.sequence}${record.duplicate ? ' (duplicate)' : ''}`;
}

/** POSTs JSON; resolves with the status once the answer's head arrives, or null on no answer. */
function postJson(
  url: string,
  payload: string,
  clock: Clock,
  timeoutMs: number,
  closing: AbortSignal,
): Promise<{ status: number | null; error?: string }> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ status: null, error: 'invalid callback URL' });
      return;
    }
    const abort = new AbortController();
    const onClose = () => abort.abort();
    closing.addEventListener('abort', onClose, { once: true });
    let timedOut = false;
    const cancelTimeout = clock.afterReal(timeoutMs, () => {
      timedOut = true;
      abort.abort();
    });
    const settle = (result: { status: number | null; error?: string }) => {
      cancelTimeout();
      closing.removeEventListener('abort', onClose);
      resolve(result);
    };
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        signal: abort.signal,
        agent: false,
      },
      (res) => {
        res.resume();
        settle({ status: res.statusCode ?? null });
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      settle({ status: null, error: timedOut ? 'no answer in time' : (error.code ?? error.message) });
    });
    req.end(payload);
  });
}
