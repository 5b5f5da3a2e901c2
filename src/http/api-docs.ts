import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';

/**
 * `/openapi.json`, generated from the routes' own schemas, and the Scalar reference at `/docs`.
 *
 * The reference is the standalone bundle of the pinned @scalar/api-reference, served from our own
 * origin (`/docs/assets/`): the page works offline, and loads no script an outside host could
 * change. Its CSP allows no other origin; Scalar injects its styles at run time (hence
 * `'unsafe-inline'` for styles only), and is told not to fetch its web fonts.
 */

export const DOCS_SCRIPT_PATH = '/docs/assets/api-reference.js';
export const DOCS_INIT_PATH = '/docs/assets/init.js';

export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; form-action 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'";

const DOCS_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>mixkeeper API</title>
    <link rel="icon" href="/ui/assets/icon.svg" type="image/svg+xml" />
  </head>
  <body>
    <div id="app"></div>
    <script src="${DOCS_SCRIPT_PATH}"></script>
    <script src="${DOCS_INIT_PATH}"></script>
  </body>
</html>
`;

/** No inline script under the CSP: the reference starts from a script of its own. */
const DOCS_INIT_JS = `'use strict';
Scalar.createApiReference('#app', {
  url: '/openapi.json',
  withDefaultFonts: false,
  hideClientButton: true,
  agent: { disabled: true },
  telemetry: false,
});
`;

/** The bundle, read from node_modules once, on first use (3.5 MB: not at start-up). */
let bundle: Promise<Buffer> | undefined;
function standaloneBundle(): Promise<Buffer> {
  bundle ??= readFile(
    createRequire(import.meta.url).resolve('@scalar/api-reference/browser/standalone.js'),
  ).catch((error: unknown) => {
    bundle = undefined;
    throw error;
  });
  return bundle;
}

const docsSecurity: MiddlewareHandler = async (c, next) => {
  await next();
  c.res.headers.set('content-security-policy', DOCS_CSP);
};

export function registerApiDocs(app: OpenAPIHono): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'ADMIN_TOKEN',
  });
  // 3.1: its `webhooks` document the events mixkeeper sends (src/http/webhooks/webhook-events-doc.ts).
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'mixkeeper operator API',
      version: '1',
      description:
        'Rooms, their layouts and the mixes the platform runs. Every route needs `Authorization: Bearer ' +
        '<ADMIN_TOKEN>` (or the session cookie of the pages). Errors are `{code, message, requestId}`.',
    },
    security: [{ bearer: [] }],
  });
  app.get('/docs', docsSecurity, (c) => c.html(DOCS_HTML));
  app.get(DOCS_SCRIPT_PATH, async (c) =>
    c.body(new Uint8Array(await standaloneBundle()), 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'private, max-age=3600',
    }),
  );
  app.get(DOCS_INIT_PATH, (c) =>
    c.body(DOCS_INIT_JS, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'private, max-age=300',
    }),
  );
}
