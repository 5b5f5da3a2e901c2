import { describe, expect, test } from 'vitest';
import { createMetrics } from './metrics.js';

const series = async (metrics: ReturnType<typeof createMetrics>) =>
  (await metrics.registry.getSingleMetric('mixkeeper_mix_unknown_errors_total')?.get())?.values ?? [];

describe('mixkeeper_mix_unknown_errors_total', () => {
  test('counts by code: the API 3.0 code, with the embedded number when that is the unknown part', async () => {
    const metrics = createMetrics();
    metrics.countUnknownError({ code: 'UnsupportedOperation.Foo', apiCode: 'UnsupportedOperation.Foo' });
    metrics.countUnknownError({ code: 'UnsupportedOperation.Foo', apiCode: 'UnsupportedOperation.Foo' });
    metrics.countUnknownError({ code: -77777, apiCode: 'FailedOperation' });
    metrics.countUnknownError({ code: -99999 });
    expect((await series(metrics)).map((s) => [s.labels.code, s.value])).toEqual([
      ['UnsupportedOperation.Foo', 2],
      ['FailedOperation:-77777', 1],
      ['-99999', 1],
    ]);
  });

  test('keeps its label bounded: sanitised, at most 64 characters, at most 50 codes then "other"', async () => {
    const metrics = createMetrics();
    metrics.countUnknownError({ code: `Bad "code"\n{x="1"} ${'y'.repeat(100)}` });
    for (let i = 0; i < 60; i += 1) metrics.countUnknownError({ code: `Made.Up${i}` });
    const values = await series(metrics);
    const labels = values.map((s) => String(s.labels.code));
    expect(labels[0]).toMatch(/^Bad__code___x__1___y+$/);
    expect(labels.every((label) => /^[A-Za-z0-9._:-]{1,64}$/.test(label))).toBe(true);
    expect(labels).toHaveLength(51);
    expect(values.find((s) => s.labels.code === 'other')?.value).toBe(11);
  });
});
