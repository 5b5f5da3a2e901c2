import type { Queue } from 'bullmq';
import { jobOptions } from './bullmq.js';
import { jobCatalog, type WebhookDeliveryJob } from './catalog.js';

/**
 * Sets a room's deliveries to one endpoint going. One job per pair (the catalog's deduplication):
 * while one waits this is dropped (it will send what is queued); while one runs it runs once more.
 */
export function requestWebhookDelivery(queue: Queue<WebhookDeliveryJob>, job: WebhookDeliveryJob) {
  return queue.add('deliver', job, jobOptions(jobCatalog.webhookDeliveries, job, {}));
}
