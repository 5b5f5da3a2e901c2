import type { OpenAPIHono } from '@hono/zod-openapi';
import { registerAddWebhook } from './add-webhook.js';
import { registerListWebhooks } from './list-webhooks.js';
import { registerRemoveWebhook } from './remove-webhook.js';
import { registerTestWebhook } from './test-webhook.js';
import { registerWebhookEvents } from './webhook-events-doc.js';
import type { WebhooksApiDeps } from './webhooks-api-deps.js';

/** Every `/v1/webhooks` route, and the events themselves in the OpenAPI document's `webhooks`. */
export function registerWebhooksApi(app: OpenAPIHono, deps: WebhooksApiDeps): void {
  registerListWebhooks(app, deps);
  registerAddWebhook(app, deps);
  registerRemoveWebhook(app, deps);
  registerTestWebhook(app, deps);
  registerWebhookEvents(app);
}
