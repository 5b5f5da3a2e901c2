import { createLogger, type Logger } from '../../src/log.js';

/**
 * Log lines kept in memory: a pino destination for the service's own logger (redaction included),
 * so a test can read back every line the code under test logged.
 */
export interface MemoryDestination {
  write(line: string): void;
  /** Everything written so far, one JSON object per line. */
  text(): string;
  lines(): Record<string, unknown>[];
}

export function memoryDestination(): MemoryDestination {
  const chunks: string[] = [];
  return {
    write: (line) => void chunks.push(line),
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

export interface CapturedLog extends Omit<MemoryDestination, 'write'> {
  log: Logger;
}

/** The service's logger at `level`, writing into memory. */
export function captureLog(level = 'debug'): CapturedLog {
  const destination = memoryDestination();
  return { log: createLogger(level, destination), text: destination.text, lines: destination.lines };
}
