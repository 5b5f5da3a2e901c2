import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createMetrics } from '../../src/metrics.js';
import { QUEUES } from '../../src/queue/catalog.js';
import { type Stack, startStack } from '../support/stack.js';
import { ROOT, read } from './manifests.js';

/**
 * deploy/prometheus (the alerts OPERATIONS.md describes, as a rule file and as a PrometheusRule)
 * and deploy/grafana (the dashboard): promtool checks the rules and runs their unit tests, each
 * alert fires in one, on series named as this code names them; and every mixkeeper metric the
 * rules, their tests and the dashboard use is one a running mixkeeper serves on /metrics.
 */

const run = promisify(execFile);
const PROMTOOL = 'promtool';

/** Other exporters' series (kube-state-metrics, redis_exporter): not ours to serve. */
const OTHER_EXPORTERS = /^(kube_|redis_)/;

interface Rule {
  alert: string;
  expr: string;
  labels?: Record<string, string>;
}
interface RuleFile {
  groups: { name: string; rules: Rule[] }[];
}
interface RuleTests {
  rule_files: string[];
  tests: {
    name: string;
    input_series: { series: string; values: string }[];
    alert_rule_test: { alertname: string; exp_alerts: unknown[] }[];
  }[];
}

const rules = parseYaml(read('deploy/prometheus/alerts.yml')) as RuleFile;
const ruleTests = parseYaml(read('deploy/prometheus/alerts.test.yml')) as RuleTests;
const operatorRule = parseYaml(read('deploy/prometheus/prometheus-rule.yaml')) as {
  apiVersion: string;
  kind: string;
  spec: RuleFile;
};
const dashboard = JSON.parse(read('deploy/grafana/mixkeeper.json')) as {
  panels: { type: string; title: string; targets?: { expr: string }[] }[];
};
const alerts = rules.groups.flatMap((group) => group.rules);

/** Metric names in a PromQL expression or series selector (histogram suffixes folded into the family). */
function metricNames(expr: string): string[] {
  const withoutLabels = expr.replace(/\{[^}]*\}/g, '{}').replace(/"[^"]*"/g, '""');
  const names = [...withoutLabels.matchAll(/\b((?:mixkeeper|nodejs|process|kube|redis)_[a-z0-9_]+)/g)].map(
    (m) => m[1] ?? '',
  );
  return [...new Set(names.map((name) => name.replace(/_(bucket|count|sum)$/, '')))];
}

describe('deploy/prometheus', () => {
  beforeAll(() => {
    if (
      !existsSync('/usr/bin/promtool') &&
      !process.env.PATH?.split(':').some((d) => existsSync(join(d, PROMTOOL)))
    )
      throw new Error('promtool is missing: apt-get install -y prometheus (.ci/run does)');
  });

  test('promtool check rules: the rule file, and the PrometheusRule’s groups', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mk-rules-'));
    try {
      const extracted = join(dir, 'prometheus-rule.groups.yml');
      await writeFile(extracted, JSON.stringify({ groups: operatorRule.spec.groups }));
      const { stdout } = await run(PROMTOOL, [
        'check',
        'rules',
        join(ROOT, 'deploy/prometheus/alerts.yml'),
        extracted,
      ]);
      expect(stdout).toContain(`SUCCESS: ${alerts.length} rules found`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('the PrometheusRule carries alerts.yml’s groups verbatim', () => {
    expect(operatorRule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(operatorRule.kind).toBe('PrometheusRule');
    expect(operatorRule.spec.groups).toEqual(rules.groups);
  });

  test('promtool test rules: every alert fires in a test of its own', async () => {
    const firing = new Set(
      ruleTests.tests.flatMap((t) =>
        t.alert_rule_test.filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname),
      ),
    );
    expect([...firing].sort()).toEqual(alerts.map((a) => a.alert).sort());
    const { stdout } = await run(PROMTOOL, ['test', 'rules', 'alerts.test.yml'], {
      cwd: join(ROOT, 'deploy/prometheus'),
    });
    expect(stdout).toContain('SUCCESS');
  }, 30_000);

  test('the tests’ series use the label names this code gives those metrics', () => {
    const { registry } = createMetrics();
    for (const { series } of ruleTests.tests.flatMap((t) => t.input_series)) {
      const name = /^([a-z0-9_]+)\{/.exec(series)?.[1] ?? '';
      if (OTHER_EXPORTERS.test(name)) continue;
      const family = name.replace(/_(bucket|count|sum)$/, '');
      const metric = registry.getSingleMetric(family) ?? registry.getSingleMetric(name);
      expect(metric, series).toBeDefined();
      const declared = (metric as unknown as { labelNames?: string[] }).labelNames ?? [];
      const used = [...series.matchAll(/([a-z_]+)="/g)].map((m) => m[1] ?? '');
      const scrapeLabels = ['job', 'instance', ...(name.endsWith('_bucket') ? ['le'] : [])];
      for (const label of used) if (!scrapeLabels.includes(label)) expect(declared, series).toContain(label);
    }
  });
});

describe('every metric the rules and the dashboard use is on /metrics', () => {
  let stack: Stack;
  let exposed: Set<string>;
  let text: string;

  beforeAll(async () => {
    stack = await startStack();
    text = await (await fetch(`${stack.service.url}/metrics`)).text();
    exposed = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] ?? ''));
  }, 30_000);
  afterAll(async () => {
    await stack?.close();
  });

  test('the dashboard has the panels the issue lists', () => {
    const titles = dashboard.panels.filter((p) => p.type !== 'row').map((p) => p.title);
    for (const title of [
      'Callbacks by outcome',
      'Queue depths',
      'Reconcile decisions',
      'Mix requests by code',
      'Rooms by status',
      'Webhook deliveries by event and outcome',
    ])
      expect(titles).toContain(title);
  });

  test('the queue depths cover every queue, the webhook deliveries too', () => {
    const queues = new Set([...text.matchAll(/^mixkeeper_queue_jobs\{queue="([^"]+)"/gm)].map((m) => m[1]));
    expect([...queues].sort()).toEqual(Object.values(QUEUES).sort());
  });

  test.each([
    ['alerts.yml', alerts.map((a) => a.expr)],
    ['alerts.test.yml', ruleTests.tests.flatMap((t) => t.input_series.map((s) => s.series))],
    ['the dashboard', dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr))],
  ])('%s', (_, exprs) => {
    const used = [...new Set(exprs.flatMap(metricNames))].filter((name) => !OTHER_EXPORTERS.test(name));
    expect(used.length).toBeGreaterThan(0);
    const missing = used.filter((name) => !exposed.has(name));
    expect(missing).toEqual([]);
  });
});
