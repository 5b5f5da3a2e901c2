import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { envEndpointId } from '../../src/webhooks/settings.js';
import { type ChaosRig, startChaosRig, until } from '../support/chaos-rig.js';
import type { MixkeeperProcess } from '../support/mixkeeper-process.js';
import { type LegacyMixBody, mixInputs } from '../support/stack.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

/**
 * kill -9 of `mixkeeper all` after the platform accepted a start (an update adding a guest) but
 * before mixkeeper heard so: the simulator applies the request and holds its answer. After the
 * restart the reconcile sends the start again, and the receiver (verifying with `standardwebhooks`)
 * gets `mix.updated` for it: at least once, and every copy with the same event id.
 */

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const ROOM = 'hookcrash';

let rig: ChaosRig;
let receiver: WebhookReceiver;
let proc: MixkeeperProcess;

beforeAll(async () => {
  receiver = await startWebhookReceiver([SECRET]);
  rig = await startChaosRig({
    env: {
      WEBHOOK_URLS: receiver.url,
      WEBHOOK_SECRET: SECRET,
      WEBHOOK_RETRY_BASE_MS: '50',
      WEBHOOK_RETRY_CAP_MS: '500',
      // The held start stays unanswered past the kill; its rerun waits out the lease and the lock.
      MIX_REQUEST_TIMEOUT_MS: '3000',
      RECONCILE_LEASE_MS: '3500',
      WORKER_LOCK_MS: '1000',
      WORKER_STALLED_CHECK_MS: '200',
    },
  });
  proc = await rig.spawn('all');
}, 60_000);
afterAll(async () => {
  await rig?.close();
  await receiver?.close();
}, 30_000);

const push = (streamId: string, role: 'main' | 'guest') =>
  rig.sim.pushStream({ streamId, params: { mix_room: ROOM, mix_role: role } });
const events = (type: string) =>
  receiver.delivered().filter((d) => d.type === type && d.body.data.roomId === ROOM);
const startsWith = (streamId: string) =>
  rig.sim
    .requests()
    .filter(
      (r) =>
        r.op === 'start' &&
        r.sessionId?.startsWith(`${ROOM}_`) &&
        mixInputs({ body: r.body as LegacyMixBody }).some((input) => input.id === streamId),
    );

test('a crash after the platform accepted a start still delivers its mix.updated, every copy with one event id', async () => {
  push('host_a', 'main');
  push('guest_b', 'guest');
  await until(async () => expect(events('mix.started')).toHaveLength(1), 30_000);

  // The next start is applied by the platform, and its answer never comes.
  rig.sim.setFaults({ timeoutApplies: true, script: [{ op: 'start', code: 'timeout' }] });
  push('guest_c', 'guest');
  await until(async () => expect(startsWith('guest_c')).toHaveLength(1), 30_000);
  await proc.kill();
  rig.sim.clearFaults();
  // mixkeeper never heard of the accepted start: nothing was raised for it.
  expect(events('mix.updated')).toEqual([]);

  proc = await rig.spawn('all');
  await until(async () => expect(events('mix.updated').length).toBeGreaterThanOrEqual(1), 30_000);
  // Let any second copy arrive: the restarted process settles its rooms and outboxes.
  await until(async () => {
    const queued = await rig.client.llen(rig.store.keys.webhookOutbox(ROOM, envEndpointId(receiver.url)));
    expect(queued).toBe(0);
  }, 10_000);
  const updated = events('mix.updated');
  expect(updated.length).toBeLessThanOrEqual(2);
  expect(new Set(updated.map((d) => d.id)).size).toBe(1);
  expect(updated[0]?.body.data.tiles.map((t) => t.streamId).sort()).toEqual(['guest_b', 'guest_c', 'host_a']);
  // The platform got the start again after the restart (the same session, the same plan) and accepted it.
  expect(startsWith('guest_c').length).toBeGreaterThanOrEqual(2);
  expect(events('mix.started')).toHaveLength(1);
  rig.report('webhook after a crash', {
    startsWithGuest: startsWith('guest_c').length,
    updatedDeliveries: updated.length,
  });
}, 90_000);
