import { expect, test } from 'vitest';
import { ROOM_SCRIPT } from './churn-script.js';
import { SIZES } from './context.js';
import { PHASES, runBench } from './harness.js';
import { benchResultSchema } from './results.js';

/**
 * Keeps `npm run bench` from rotting: the whole harness in quick mode on tiny numbers — real
 * Redis, simulator and mixkeeper processes — and the result file's shape and counts. Performance
 * is not asserted: the rest of the suite shares the machine. 37 s inside the full suite on this
 * shared machine, most of it the start-up of a dozen processes; the timeout leaves room for more.
 */
test('the bench harness runs every phase in quick mode and its counts add up', async () => {
  const raw = await runBench({ mode: 'quick', runtime: 'tsx', log: () => {} });
  const result = benchResultSchema.parse(JSON.parse(JSON.stringify(raw)));
  const sizes = SIZES.quick;

  const { ingest, reaction, economy, scale, layout } = result;
  expect(ingest?.jobs.ok200).toBeGreaterThan(0);
  expect(ingest?.jobs.matched).toBe(ingest?.jobs.ok200);
  expect(ingest?.jobs.missing).toBe(0);
  expect(ingest?.jobs.storedInQueue).toBeGreaterThanOrEqual(ingest?.jobs.ok200 ?? Number.POSITIVE_INFINITY);

  const run = reaction?.chosen;
  expect(run?.changes).toBe(
    Math.max(2 * sizes.reaction.rooms, sizes.reaction.changesPerS * sizes.reaction.durationS),
  );
  expect(run?.missing).toBe(0);
  expect(run?.measured).toBe(run?.changes);
  expect(run?.violations).toBe(0);

  expect(economy?.changes).toBe(sizes.economy.rooms * ROOM_SCRIPT.length);
  expect(economy?.mixkeeper.requests).toBeGreaterThan(0);
  expect(economy?.naive.requests).toBeGreaterThan(0);

  expect(scale?.streams).toBe(sizes.scale.rooms * sizes.scale.streamsPerRoom);
  // Every stream's callback became one job (autocannon may stop before reading the last answers).
  expect(scale?.events.processed).toBe(scale?.streams);
  expect(scale?.reconcile.startsOk).toBe(sizes.scale.rooms);

  expect(layout).toHaveLength(6);
  expect(new Set(result.figures.map((f) => f.id.split('.')[0]))).toEqual(new Set(PHASES));
}, 120_000);
