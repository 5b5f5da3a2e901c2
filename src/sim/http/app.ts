import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { Api3Credentials } from '../api3/auth.js';
import { mountApi3 } from '../api3/front-end.js';
import { faultPlanSchema } from '../core/faults.js';
import { pushSpecSchema } from '../core/streams.js';
import { mountLegacyCgi } from '../legacy/front-end.js';
import type { SimCore } from '../sim-core.js';
import { renderFrameSvg } from './frame-svg.js';
import { renderSessionsPage } from './sessions-page.js';

/**
 * The simulator's HTTP surface: the platform's own endpoint (`/common_access`) and the `/sim/*`
 * control and inspection routes that tests, `mixkeeper dev` and people use. Errors on `/sim/*`
 * are `{code, message}` with a 4xx status.
 */

const resolutionSchema = z.strictObject({
  width: z.number().int().min(0).max(8192),
  height: z.number().int().min(0).max(8192),
});

type ErrorCode = 'invalid_request' | 'not_found' | 'internal';
const STATUS: Record<ErrorCode, 400 | 404 | 500> = { invalid_request: 400, not_found: 404, internal: 500 };

function problem(c: Context, code: ErrorCode, message: string): Response {
  return c.json({ code, message }, STATUS[code]);
}

/** Reads and validates a JSON body; answers 400 naming the first bad field. */
async function readJson<T>(
  c: Context,
  schema: z.ZodType<T>,
): Promise<{ ok: true; value: T } | { ok: false; response: Response }> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    return { ok: false, response: problem(c, 'invalid_request', 'the body is not JSON') };
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return {
    ok: false,
    response: problem(c, 'invalid_request', `${where}${issue?.message ?? 'invalid body'}`),
  };
}

export interface SimAppOptions {
  /** The Cloud API 3.0 key pair (`POST /`); unset: API 3.0 calls fail with AuthFailure.SecretIdNotFound. */
  api3?: Api3Credentials;
}

export function createSimApp(core: SimCore, options: SimAppOptions = {}): Hono {
  const app = new Hono();
  app.use(
    bodyLimit({
      maxSize: 1024 * 1024,
      onError: (c) => problem(c, 'invalid_request', 'the body is over 1 MB'),
    }),
  );
  app.onError((error, c) => {
    core.log(`error: ${error instanceof Error ? error.message : String(error)}`);
    return problem(c, 'internal', 'internal error');
  });
  app.notFound((c) => problem(c, 'not_found', `no route ${c.req.method} ${c.req.path}`));

  app.get('/', (c) =>
    c.json({
      name: 'mixkeeper platform simulator',
      timeScale: core.clock.scale,
      appId: core.appId,
      callbackUrl: core.callbackUrl() ?? null,
      routes: [
        'POST /common_access?appid&interface=Mix_StreamV2&t&sign',
        'POST / (Cloud API 3.0, TC3-signed: CreateCommonMixStream, CancelCommonMixStream, DescribeLiveStreamOnlineList)',
        'GET|DELETE /sim/requests',
        'GET|POST /sim/streams',
        'DELETE /sim/streams/:id',
        'POST /sim/streams/:id/resolution',
        'GET /sim/sessions[?all=1]',
        'GET /sim/sessions/:id',
        'GET /sim/sessions/:id/frame.svg',
        'GET|DELETE /sim/violations',
        'GET|POST|DELETE /sim/faults',
        'GET|DELETE /sim/callbacks',
        'POST /sim/reset',
      ],
    }),
  );
  app.get('/healthz', (c) => c.json({ ok: true }));

  mountLegacyCgi(app, {
    clock: core.clock,
    appId: core.appId,
    mixKey: core.mixKey,
    platform: core.platform,
    faults: core.faults,
    requests: core.requestLog,
    closing: core.closing,
    log: core.log,
  });

  mountApi3(app, {
    clock: core.clock,
    appId: core.appId,
    credentials: options.api3,
    platform: core.platform,
    faults: core.faults,
    requests: core.requestLog,
    sessionOutput: (sessionId) => core.session(sessionId)?.outputStreamId,
    liveStreams: () => core.streams(),
    closing: core.closing,
    log: core.log,
  });

  app.get('/sim/requests', (c) => c.json(core.requests()));
  app.delete('/sim/requests', (c) => {
    core.requestLog.clear();
    return c.body(null, 204);
  });

  app.get('/sim/streams', (c) => c.json(core.streams()));
  app.post('/sim/streams', async (c) => {
    const body = await readJson(c, pushSpecSchema);
    if (!body.ok) return body.response;
    const result = core.push(body.value);
    return c.json({ ...result.stream, replaced: result.replaced }, 201);
  });
  app.delete('/sim/streams/:id', (c) => {
    const stopped = core.stop(c.req.param('id'));
    return stopped ? c.json(stopped) : problem(c, 'not_found', `stream ${c.req.param('id')} is not live`);
  });
  app.post('/sim/streams/:id/resolution', async (c) => {
    const body = await readJson(c, resolutionSchema);
    if (!body.ok) return body.response;
    const stream = core.setResolution(c.req.param('id'), body.value.width, body.value.height);
    return stream ? c.json(stream) : problem(c, 'not_found', `stream ${c.req.param('id')} is not live`);
  });

  app.get('/sim/sessions', (c) => {
    const all = c.req.query('all');
    const includeCancelled = all === '1' || all === 'true';
    const sessions = core.sessions({ includeCancelled });
    // A browser gets a page of pictures; scripts (Accept: */* or JSON) the list.
    if ((c.req.header('accept') ?? '').includes('text/html'))
      return c.html(renderSessionsPage(sessions, includeCancelled));
    return c.json(sessions);
  });
  app.get('/sim/sessions/:id', (c) => {
    const session = core.session(c.req.param('id'));
    return session ? c.json(session) : problem(c, 'not_found', `no session ${c.req.param('id')}`);
  });
  app.get('/sim/sessions/:id/frame.svg', (c) => {
    const session = core.session(c.req.param('id'));
    if (!session) return problem(c, 'not_found', `no session ${c.req.param('id')}`);
    return c.body(renderFrameSvg(session), 200, {
      'content-type': 'image/svg+xml; charset=utf-8',
      'cache-control': 'no-store',
    });
  });

  app.get('/sim/violations', (c) => c.json(core.violations()));
  app.delete('/sim/violations', (c) => {
    core.rules.clear();
    return c.body(null, 204);
  });

  app.get('/sim/faults', (c) => c.json(core.faults.view()));
  app.post('/sim/faults', async (c) => {
    const body = await readJson(c, faultPlanSchema);
    if (!body.ok) return body.response;
    core.setFaults(body.value);
    return c.json(core.faults.view());
  });
  app.delete('/sim/faults', (c) => {
    core.faults.clear();
    return c.body(null, 204);
  });

  app.get('/sim/callbacks', (c) => c.json(core.callbackRecords()));
  app.delete('/sim/callbacks', (c) => {
    core.callbacks.clear();
    return c.body(null, 204);
  });

  app.post('/sim/reset', (c) => {
    core.reset();
    return c.body(null, 204);
  });

  return app;
}
