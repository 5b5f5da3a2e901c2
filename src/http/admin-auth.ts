import { createHash, timingSafeEqual } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import { problem } from './problem.js';

/**
 * Bearer ADMIN_TOKEN, compared in constant time (both sides hashed first, so the length of the
 * token leaks nothing either). Without a configured token every request is refused.
 */
export function adminAuth(token: string | undefined) {
  const expected = token ? digest(token) : undefined;
  return createMiddleware(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const presented = /^Bearer (.+)$/i.exec(header)?.[1] ?? '';
    if (!expected || !timingSafeEqual(digest(presented), expected)) {
      c.header('WWW-Authenticate', 'Bearer realm="mixkeeper"');
      return problem(c, 'unauthorized', 'a valid bearer token is required');
    }
    await next();
  });
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
