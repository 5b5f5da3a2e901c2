import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * Paths that may carry a secret or a signature. Secrets should never reach a log call in the first
 * place; this is the second line of defence.
 */
export const REDACTED_PATHS = [
  'sign',
  '*.sign',
  'key',
  '*.key',
  'secretKey',
  '*.secretKey',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { service: 'mixkeeper' },
  };
  return destination ? pino(options, destination) : pino(options);
}
