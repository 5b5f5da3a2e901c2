/**
 * The part of autocannon 9's programmatic API the bench uses (the package ships no types, and
 * @types/autocannon describes version 7). See node_modules/autocannon/README.md.
 */
declare module 'autocannon' {
  interface AutocannonRequest {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
  }

  /** Per-connection state shared by a request's `setupRequest` and `onResponse`. */
  type AutocannonContext = Record<string, unknown>;

  interface AutocannonRequestSpec extends AutocannonRequest {
    /** Called before every request; the returned request is sent. */
    setupRequest?: (request: AutocannonRequest, context: AutocannonContext) => AutocannonRequest;
    onResponse?: (status: number, body: string, context: AutocannonContext) => void;
  }

  interface AutocannonOptions {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    amount?: number;
    pipelining?: number;
    /** Seconds. */
    timeout?: number;
    overallRate?: number;
    connectionRate?: number;
    ignoreCoordinatedOmission?: boolean;
    requests?: AutocannonRequestSpec[];
  }

  interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p97_5: number;
    p99: number;
    p99_9: number;
  }

  interface AutocannonResult {
    requests: Histogram;
    latency: Histogram;
    /** Seconds. */
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    statusCodeStats: Record<string, { count: number }>;
  }

  function autocannon(options: AutocannonOptions): PromiseLike<AutocannonResult>;
  export default autocannon;
}
