/**
 * Every mix request the simulator received, in arrival order, with what it answered: tests count
 * starts and read bodies from here. Bounded so a long benchmark cannot exhaust memory.
 */

export type LoggedOp = 'start' | 'cancel' | 'unknown';
/** What decided the answer when it was not the platform's own checks. */
export type FaultKind = 'timeout' | 'http5xx' | 'code' | 'script';

export interface MixRequestRecord {
  /** Unix ms (real) of arrival. */
  at: number;
  /** Which front-end took it: the Mix_StreamV2 CGI or Cloud API 3.0. */
  protocol: 'legacy' | 'api3';
  op: LoggedOp;
  sessionId: string | null;
  outputStreamId: string | null;
  /** The body as JSON, or its text (cut at 10 kB) when it was not JSON. */
  body: unknown;
  /**
   * The answer's code (legacy numbering, also for API 3.0 answers); null when the answer was not the
   * JSON envelope (time expired, 5xx, held), is not out yet, or is an API 3.0 refusal with no legacy code.
   */
  code: number | null;
  /** API 3.0 only: the `Error.Code` answered (absent on success). */
  apiCode?: string;
  message: string;
  /** HTTP status answered; null while a request is held unanswered. */
  status: number | null;
  fault?: FaultKind;
}

const MAX_RECORDS = 100_000;

export class RequestLog {
  private readonly records: MixRequestRecord[] = [];

  add(record: MixRequestRecord): void {
    if (this.records.length >= MAX_RECORDS) this.records.shift();
    this.records.push(record);
  }

  /** Copies, so a caller cannot change the log (a record is completed when its answer goes out). */
  list(): MixRequestRecord[] {
    return this.records.map((record) => ({ ...record }));
  }

  clear(): void {
    this.records.length = 0;
  }
}
