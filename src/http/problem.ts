import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Every error answer has one shape: `{code, message, requestId}`; the code decides the status. */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;
export type ErrorCode = keyof typeof ERROR_STATUS;

export function problem<C extends ErrorCode>(c: Context, code: C, message: string) {
  const requestId = (c.get('requestId' as never) as string | undefined) ?? '';
  return c.json({ code, message, requestId }, ERROR_STATUS[code]);
}

/** A validation failure in words, naming each bad field by its path: `canvas.width: Too big: …`. */
export function describeIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  where: string,
): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : where}: ${issue.message}`)
    .join('; ');
}
