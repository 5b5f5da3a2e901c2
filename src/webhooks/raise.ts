import type { WebhookDeliveryJob } from '../queue/catalog.js';
import type { RoomStore } from '../rooms/room-store.js';
import { listEndpoints } from './endpoints.js';
import type { MixEvent } from './event.js';
import { queueEvent } from './outbox.js';
import { type WebhookSettings, wants } from './settings.js';

/** Puts a room's event in the outbox of every endpoint that wants it, and sets their deliveries going. */
export interface WebhookRaiser {
  raise(roomId: string, event: MixEvent): Promise<void>;
}

export interface RaiserDeps {
  store: RoomStore;
  settings: Pick<WebhookSettings, 'fixed' | 'secrets'>;
  /** Adds the (deduplicated) delivery job of a room and endpoint. */
  deliver: (job: WebhookDeliveryJob) => Promise<unknown>;
  now: () => number;
}

export function createWebhookRaiser(deps: RaiserDeps): WebhookRaiser {
  return {
    async raise(roomId, event) {
      // Without a secret nothing can be signed, so nothing is sent (and nothing piles up).
      if (!deps.settings.secrets.length) return;
      const endpoints = (await listEndpoints(deps)).filter((endpoint) =>
        wants(endpoint, { type: event.type, roomId }),
      );
      for (const endpoint of endpoints) {
        await queueEvent(deps.store, roomId, endpoint.id, event, deps.now());
        // Even when the event was queued already (raised again after a crash): its job may be the one lost.
        await deps.deliver({ roomId, endpointId: endpoint.id });
      }
    },
  };
}
