import type { z } from 'zod';
import { errorSchema } from '../http/rooms/schemas.js';

/**
 * The rooms API as the terminal commands use it: base URL from MIXKEEPER_URL, ADMIN_TOKEN as the
 * bearer, answers checked against the API's own schemas. Failures come back as one line to print.
 */

export interface OperatorIo {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  fetch: typeof fetch;
}

export const processIo: OperatorIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  fetch: (input, init) => fetch(input, init),
};

export const DEFAULT_URL = 'http://127.0.0.1:8080';

export type ApiResult<T> = { ok: true; value: T } | { ok: false; message: string };

export async function getJson<S extends z.ZodType>(
  io: OperatorIo,
  path: string,
  schema: S,
): Promise<ApiResult<z.output<S>>> {
  const base = (io.env.MIXKEEPER_URL || DEFAULT_URL).replace(/\/+$/, '');
  const token = io.env.ADMIN_TOKEN;
  if (!token) return { ok: false, message: 'ADMIN_TOKEN is not set: the rooms API needs it' };
  let response: Response;
  try {
    response = await io.fetch(`${base}${path}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    return { ok: false, message: `cannot reach ${base}: ${(error as Error).message}` };
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const problem = errorSchema.safeParse(body);
    if (response.status === 401) return { ok: false, message: `${base} refused ADMIN_TOKEN (401)` };
    return {
      ok: false,
      message: problem.success
        ? `${problem.data.message} (${response.status})`
        : `${base}${path}: HTTP ${response.status}`,
    };
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    return { ok: false, message: `${base}${path}: unexpected answer (is MIXKEEPER_URL a mixkeeper API?)` };
  return { ok: true, value: parsed.data };
}

/** `2026-11-25 12:34:56` UTC. */
export function utc(at: number | null | undefined): string {
  return at ? new Date(at).toISOString().slice(0, 19).replace('T', ' ') : '-';
}
