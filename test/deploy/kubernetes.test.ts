import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadConfig, SHUTDOWN_BACKSTOP_MS } from '../../src/config.js';
import { createMetrics } from '../../src/metrics.js';
import { QUEUE_PREFIX, QUEUES } from '../../src/queue/catalog.js';
import {
  asArray,
  asRecord,
  at,
  CONFIG_VARIABLES,
  type Node,
  ROOT,
  read,
  secretVariables,
  yamlDocuments,
  yamlFile,
} from './manifests.js';

/** deploy/k8s parsed as kubectl would apply it, and checked against what mixkeeper needs. */

const docs = yamlDocuments('deploy/k8s');
const kinds = (kind: string) => docs.filter(({ doc }) => doc.kind === kind).map(({ doc }) => doc);
const named = (kind: string, name: string) => {
  const found = kinds(kind).find((doc) => at(doc, 'metadata', 'name') === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
const deployments = () => kinds('Deployment');
const containersOf = (deployment: Node) => asArray(at(deployment, 'spec', 'template', 'spec', 'containers'));
const podLabels = (deployment: Node) => asRecord(at(deployment, 'spec', 'template', 'metadata', 'labels'));
const selects = (selector: Node, labels: Record<string, Node>) => {
  const wanted = Object.entries(asRecord(selector));
  return wanted.length > 0 && wanted.every(([key, value]) => labels[key] === value);
};
const configMap = () => asRecord(at(named('ConfigMap', 'mixkeeper-config'), 'data'));
/** Names a container's environment gets: the ConfigMap's keys and its own `env`. */
const envNames = (container: Node) => [
  ...asArray(at(container, 'envFrom')).flatMap((from) =>
    at(from, 'configMapRef', 'name') === 'mixkeeper-config' ? Object.keys(configMap()) : [],
  ),
  ...asArray(at(container, 'env')).map((entry) => String(at(entry, 'name'))),
];

describe('deploy/k8s', () => {
  test('the kustomization lists files that exist, and every manifest outside optional/', () => {
    const kustomization = yamlFile('deploy/k8s/kustomization.yaml');
    const resources = asArray(at(kustomization, 'resources')).map(String);
    for (const resource of resources) expect(existsSync(join(ROOT, 'deploy/k8s', resource))).toBe(true);
    const files = new Set(docs.map(({ file }) => file.replace('deploy/k8s/', '')));
    for (const file of files) {
      if (file === 'kustomization.yaml' || file.startsWith('optional/')) continue;
      expect(resources).toContain(file);
    }
    const images = asArray(at(kustomization, 'images')).map((image) => at(image, 'name'));
    for (const deployment of deployments()) {
      for (const container of containersOf(deployment)) expect(images).toContain(at(container, 'image'));
    }
  });

  test('an api and a worker Deployment run the roles of the one image', () => {
    expect(
      deployments()
        .map((d) => at(d, 'metadata', 'name'))
        .sort(),
    ).toEqual(['mixkeeper-api', 'mixkeeper-worker']);
    expect(asArray(at(containersOf(named('Deployment', 'mixkeeper-api'))[0], 'args'))).toEqual(['api']);
    expect(asArray(at(containersOf(named('Deployment', 'mixkeeper-worker'))[0], 'args'))).toEqual(['worker']);
    for (const deployment of deployments()) {
      expect(selects(at(deployment, 'spec', 'selector', 'matchLabels'), podLabels(deployment))).toBe(true);
    }
  });

  test('readiness on /readyz, liveness on /healthz, on a port the container serves', () => {
    for (const deployment of deployments()) {
      for (const container of containersOf(deployment)) {
        const ports = asArray(at(container, 'ports'));
        const served = new Set(ports.flatMap((p) => [at(p, 'name'), at(p, 'containerPort')]));
        expect(at(container, 'readinessProbe', 'httpGet', 'path')).toBe('/readyz');
        expect(at(container, 'livenessProbe', 'httpGet', 'path')).toBe('/healthz');
        const probes = Object.keys(asRecord(container)).filter((key) => key.endsWith('Probe'));
        expect(probes).toEqual(expect.arrayContaining(['readinessProbe', 'livenessProbe']));
        for (const probe of probes) expect(served).toContain(at(container, probe, 'httpGet', 'port'));
        // The port is the one the process listens on (PORT).
        const containerPort = at(ports[0], 'containerPort');
        expect(containerPort).toBe(Number(configMap().PORT));
      }
    }
  });

  test('resources requested and memory limited', () => {
    for (const deployment of deployments()) {
      for (const container of containersOf(deployment)) {
        expect(at(container, 'resources', 'requests', 'cpu')).toMatch(/^\d+m?$/);
        expect(at(container, 'resources', 'requests', 'memory')).toMatch(/^\d+Mi$/);
        expect(at(container, 'resources', 'limits', 'memory')).toMatch(/^\d+Mi$/);
      }
    }
  });

  test('pods run as a non-root user, without privilege escalation, on a read-only root', () => {
    for (const deployment of deployments()) {
      const pod = at(deployment, 'spec', 'template', 'spec');
      expect(at(pod, 'securityContext', 'runAsNonRoot')).toBe(true);
      expect(Number(at(pod, 'securityContext', 'runAsUser'))).toBeGreaterThan(0);
      expect(at(pod, 'automountServiceAccountToken')).toBe(false);
      for (const container of containersOf(deployment)) {
        expect(at(container, 'securityContext', 'allowPrivilegeEscalation')).toBe(false);
        expect(at(container, 'securityContext', 'readOnlyRootFilesystem')).toBe(true);
        expect(asArray(at(container, 'securityContext', 'capabilities', 'drop'))).toEqual(['ALL']);
      }
    }
    // The image's USER is the same uid (deploy/Dockerfile).
    const uid = /^USER (\d+)/m.exec(read('deploy/Dockerfile'))?.[1];
    for (const deployment of deployments()) {
      expect(String(at(deployment, 'spec', 'template', 'spec', 'securityContext', 'runAsUser'))).toBe(uid);
    }
  });

  test('no secret inline: keys only through secretKeyRef, no Secret manifest with data', () => {
    const secrets = secretVariables();
    // REDIS_URL may carry a password.
    secrets.add('REDIS_URL');
    for (const key of Object.keys(configMap())) expect(secrets.has(key), key).toBe(false);
    for (const deployment of deployments()) {
      for (const container of containersOf(deployment)) {
        const env = asArray(at(container, 'env'));
        for (const entry of env) expect(at(entry, 'value'), String(at(entry, 'name'))).toBeUndefined();
        const secretEntries = env.filter((entry) => secrets.has(String(at(entry, 'name'))));
        // Every container reads at least REDIS_URL from the Secret.
        expect(secretEntries.length).toBeGreaterThan(0);
        expect(secretEntries.map((entry) => at(entry, 'valueFrom', 'secretKeyRef', 'name'))).toEqual(
          secretEntries.map(() => 'mixkeeper-secrets'),
        );
      }
    }
    for (const secret of kinds('Secret')) {
      expect(at(secret, 'data')).toBeUndefined();
      expect(at(secret, 'stringData')).toBeUndefined();
    }
    // Least privilege, as in compose.
    const names = (d: string) => containersOf(named('Deployment', d)).flatMap(envNames);
    expect(names('mixkeeper-api')).toEqual(expect.arrayContaining(['TENCENT_CALLBACK_KEY', 'ADMIN_TOKEN']));
    expect(names('mixkeeper-api')).not.toContain('TENCENT_MIX_KEY');
    expect(names('mixkeeper-worker')).toContain('TENCENT_MIX_KEY');
    expect(names('mixkeeper-worker')).not.toContain('TENCENT_CALLBACK_KEY');
  });

  test('every variable is one mixkeeper knows, and the ConfigMap validates', () => {
    for (const deployment of deployments()) {
      for (const container of containersOf(deployment)) {
        for (const name of envNames(container)) expect(CONFIG_VARIABLES, name).toContain(name);
      }
    }
    expect(() =>
      loadConfig(Object.fromEntries(Object.entries(configMap()).map(([k, v]) => [k, String(v)]))),
    ).not.toThrow();
  });

  test('the termination grace outlasts preStop, the shutdown deadline and its backstop', () => {
    const deadline = loadConfig({
      SHUTDOWN_DEADLINE_MS: String(configMap().SHUTDOWN_DEADLINE_MS),
    }).SHUTDOWN_DEADLINE_MS;
    expect(deadline).toBeGreaterThan(0);
    for (const deployment of deployments()) {
      const pod = at(deployment, 'spec', 'template', 'spec');
      const graceMs = Number(at(pod, 'terminationGracePeriodSeconds')) * 1000;
      for (const container of containersOf(deployment)) {
        const preStop = asArray(at(container, 'lifecycle', 'preStop', 'exec', 'command'));
        const pauseMs = preStop[0] === 'sleep' ? Number(preStop[1]) * 1000 : 0;
        expect(graceMs).toBeGreaterThan(pauseMs + deadline + SHUTDOWN_BACKSTOP_MS);
      }
    }
  });

  test('a PodDisruptionBudget for each Deployment; the Service reaches the API port', () => {
    for (const deployment of deployments()) {
      const budgets = kinds('PodDisruptionBudget').filter((pdb) =>
        selects(at(pdb, 'spec', 'selector', 'matchLabels'), podLabels(deployment)),
      );
      expect(budgets).toHaveLength(1);
      const budget = budgets[0];
      const keepsOne =
        Number(at(budget, 'spec', 'minAvailable')) >= 1 ||
        Number(at(budget, 'spec', 'maxUnavailable')) < Number(at(deployment, 'spec', 'replicas'));
      expect(keepsOne).toBe(true);
    }
    const service = named('Service', 'mixkeeper-api');
    const api = named('Deployment', 'mixkeeper-api');
    expect(selects(at(service, 'spec', 'selector'), podLabels(api))).toBe(true);
    expect(selects(at(service, 'spec', 'selector'), podLabels(named('Deployment', 'mixkeeper-worker')))).toBe(
      false,
    );
    const portNames = asArray(at(containersOf(api)[0], 'ports')).map((p) => at(p, 'name'));
    expect(portNames).toContain(at(service, 'spec', 'ports', 0, 'targetPort'));
  });

  test('the worker HPA scales on the queue-depth gauge mixkeeper exports', async () => {
    const hpa = named('HorizontalPodAutoscaler', 'mixkeeper-worker');
    expect(at(hpa, 'spec', 'scaleTargetRef', 'name')).toBe('mixkeeper-worker');
    expect(Number(at(hpa, 'spec', 'minReplicas'))).toBeGreaterThanOrEqual(2);
    const gauge = createMetrics().queueDepth;
    const exported = (await gauge.get()).name;
    const external = asArray(at(hpa, 'spec', 'metrics')).filter((m) => at(m, 'type') === 'External');
    expect(external.length).toBeGreaterThan(0);
    const queues = new Set<string>(Object.values(QUEUES));
    for (const metric of external) {
      expect(at(metric, 'external', 'metric', 'name')).toBe(exported);
      const labels = asRecord(at(metric, 'external', 'metric', 'selector', 'matchLabels'));
      expect(queues).toContain(labels.queue);
      expect(labels.state).toBe('waiting');
    }
    // The adapter rule serves the same metric name.
    const adapter = yamlFile('deploy/k8s/optional/prometheus-adapter-rules.yaml');
    expect(at(adapter, 'rules', 'external', 0, 'name', 'as')).toBe(exported);
  });

  test('the KEDA alternative reads the wait lists of the real queue keys', () => {
    const scaled = named('ScaledObject', 'mixkeeper-worker');
    const lists = asArray(at(scaled, 'spec', 'triggers')).map((t) => at(t, 'metadata', 'listName'));
    expect(lists.sort()).toEqual(
      [QUEUES.liveEvents, QUEUES.reconcile].map((queue) => `${QUEUE_PREFIX}:${queue}:wait`).sort(),
    );
  });

  describe('the operator surface is not on the internet', () => {
    const api = () => named('Deployment', 'mixkeeper-api');
    const apiPorts = () => asArray(at(containersOf(api())[0], 'ports'));
    const portNamed = (name: string) => apiPorts().find((p) => at(p, 'name') === name);

    test('ADMIN_PORT is set, apart from PORT, and the API container exposes it as `admin`', () => {
      const config = loadConfig(
        Object.fromEntries(Object.entries(configMap()).map(([k, v]) => [k, String(v)])),
      );
      expect(config.ADMIN_PORT).toBeDefined();
      expect(config.ADMIN_PORT).not.toBe(config.PORT);
      expect(at(portNamed('admin'), 'containerPort')).toBe(config.ADMIN_PORT);
      expect(at(portNamed('http'), 'containerPort')).toBe(config.PORT);
    });

    test('an internal Service reaches the admin port; the callbacks Service does not', () => {
      const admin = named('Service', 'mixkeeper-admin');
      expect(at(admin, 'spec', 'type') ?? 'ClusterIP').toBe('ClusterIP');
      expect(selects(at(admin, 'spec', 'selector'), podLabels(api()))).toBe(true);
      expect(asArray(at(admin, 'spec', 'ports')).map((p) => at(p, 'targetPort'))).toEqual(['admin']);
      const callbacks = named('Service', 'mixkeeper-api');
      expect(asArray(at(callbacks, 'spec', 'ports')).map((p) => at(p, 'targetPort'))).toEqual(['http']);
      // No Service of any kind exposes a node port or a load balancer.
      for (const service of kinds('Service'))
        expect(at(service, 'spec', 'type') ?? 'ClusterIP').toBe('ClusterIP');
    });

    test('the Ingress routes /callbacks/tencent and nothing else, to the callback port', () => {
      const ingresses = kinds('Ingress');
      expect(ingresses).toHaveLength(1);
      const ingress = ingresses[0];
      expect(at(ingress, 'spec', 'defaultBackend')).toBeUndefined();
      const paths = asArray(at(ingress, 'spec', 'rules')).flatMap((rule) =>
        asArray(at(rule, 'http', 'paths')),
      );
      expect(paths.length).toBeGreaterThan(0);
      for (const path of paths) {
        expect(at(path, 'path')).toBe('/callbacks/tencent');
        // Prefix matches whole segments (/callbacks/tencent/<token>), never /callbacks/tencentx.
        expect(['Exact', 'Prefix']).toContain(at(path, 'pathType'));
        expect(at(path, 'backend', 'service', 'name')).toBe('mixkeeper-api');
        expect(at(path, 'backend', 'service', 'port', 'name')).toBe('http');
      }
      expect(asArray(at(ingress, 'spec', 'tls')).length).toBeGreaterThan(0);
    });

    const policiesFor = (labels: Record<string, Node>) =>
      kinds('NetworkPolicy').filter((policy) =>
        selects(at(policy, 'spec', 'podSelector', 'matchLabels'), labels),
      );
    const REDIS_POD = { 'app.kubernetes.io/name': 'redis' };
    /** Whether a NetworkPolicy peer (`from`/`to` entry) admits pods with `labels`. */
    const peerAdmits = (peer: Node, labels: Record<string, Node>) => {
      const selector = at(peer, 'podSelector');
      if (selector === undefined) return false;
      const match = asRecord(at(selector, 'matchLabels'));
      const expressions = asArray(at(selector, 'matchExpressions'));
      return (
        Object.entries(match).every(([key, value]) => labels[key] === value) &&
        expressions.every(
          (e) =>
            at(e, 'operator') === 'In' && asArray(at(e, 'values')).includes(labels[String(at(e, 'key'))]),
        )
      );
    };

    test('a NetworkPolicy each for the API, the workers and Redis, confining traffic both ways', () => {
      const worker = named('Deployment', 'mixkeeper-worker');
      for (const labels of [podLabels(api()), podLabels(worker), REDIS_POD]) {
        const policies = policiesFor(labels);
        expect(policies, JSON.stringify(labels)).toHaveLength(1);
        expect(asArray(at(policies[0], 'spec', 'policyTypes'))).toContain('Ingress');
      }
      for (const deployment of [api(), worker]) {
        const policy = policiesFor(podLabels(deployment))[0];
        expect(asArray(at(policy, 'spec', 'policyTypes'))).toEqual(['Ingress', 'Egress']);
        // Out: Redis on 6379 among the rules.
        const egress = asArray(at(policy, 'spec', 'egress'));
        const toRedis = egress.filter((rule) =>
          asArray(at(rule, 'to')).some((peer) => peerAdmits(peer, REDIS_POD)),
        );
        expect(toRedis.flatMap((rule) => asArray(at(rule, 'ports')).map((p) => at(p, 'port')))).toEqual([
          6379,
        ]);
        // In: only the container's named ports.
        const served = new Set(asArray(at(containersOf(deployment)[0], 'ports')).map((p) => at(p, 'name')));
        for (const rule of asArray(at(policy, 'spec', 'ingress'))) {
          const ports = asArray(at(rule, 'ports'));
          expect(ports.length).toBeGreaterThan(0);
          for (const port of ports) expect(served).toContain(at(port, 'port'));
        }
      }
    });

    test('the admin port admits only labelled clients; callbacks any source; Redis only mixkeeper', () => {
      const rules = asArray(at(policiesFor(podLabels(api()))[0], 'spec', 'ingress'));
      const ports = (rule: Node) => asArray(at(rule, 'ports')).map((p) => at(p, 'port'));
      const adminRules = rules.filter((rule) => ports(rule).includes('admin'));
      expect(adminRules).toHaveLength(1);
      const from = asArray(at(adminRules[0], 'from'));
      expect(from.length).toBeGreaterThan(0);
      expect(from.some((peer) => peerAdmits(peer, {}))).toBe(false);
      expect(from.every((peer) => at(peer, 'ipBlock') === undefined)).toBe(true);
      const httpRules = rules.filter((rule) => ports(rule).includes('http'));
      expect(httpRules.every((rule) => !ports(rule).includes('admin'))).toBe(true);

      const redis = policiesFor(REDIS_POD)[0];
      const redisRules = asArray(at(redis, 'spec', 'ingress'));
      expect(redisRules.flatMap(ports)).toEqual([6379]);
      const peers = redisRules.flatMap((rule) => asArray(at(rule, 'from')));
      expect(peers.length).toBeGreaterThan(0);
      const worker = named('Deployment', 'mixkeeper-worker');
      for (const labels of [podLabels(api()), podLabels(worker)]) {
        expect(peers.some((peer) => peerAdmits(peer, labels))).toBe(true);
      }
      expect(peers.some((peer) => peerAdmits(peer, { 'app.kubernetes.io/name': 'something-else' }))).toBe(
        false,
      );
    });
  });
});
