import type { OpenAPIHono } from '@hono/zod-openapi';
import { Scalar } from '@scalar/hono-api-reference';

/** `/openapi.json`, generated from the routes' own schemas, and the Scalar reference at `/docs`. */
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
  app.get('/docs', Scalar({ url: '/openapi.json', pageTitle: 'mixkeeper API' }));
}
