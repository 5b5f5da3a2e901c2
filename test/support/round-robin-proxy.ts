import { forwardRequest, listenOnLoopback } from './http-forward.js';

/**
 * A loopback HTTP load balancer that sends each request to the next upstream in turn, as a
 * Kubernetes Service or a compose service name does for several API replicas.
 */
export interface RoundRobinProxy {
  url: string;
  /** Requests forwarded to each upstream, in the order given. */
  counts(): number[];
  close(): Promise<void>;
}

export async function startRoundRobinProxy(upstreams: string[]): Promise<RoundRobinProxy> {
  if (upstreams.length === 0) throw new RangeError('no upstreams');
  const counts = upstreams.map(() => 0);
  let next = 0;
  const server = await listenOnLoopback((req, res) => {
    const index = next;
    next = (next + 1) % upstreams.length;
    counts[index] = (counts[index] ?? 0) + 1;
    forwardRequest(req, res, upstreams[index]!);
  });
  return {
    url: server.url,
    counts: () => [...counts],
    close: server.close,
  };
}
