import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Every error answer has one shape: `{code, message, requestId}`; the code decides the status. */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  not_found: 404,
  too_large: 413,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;
export type ErrorCode = keyof typeof ERROR_STATUS;

export function problem(c: Context, code: ErrorCode, message: string) {
  const requestId = (c.get('requestId' as never) as string | undefined) ?? '';
  return c.json({ code, message, requestId }, ERROR_STATUS[code]);
}
