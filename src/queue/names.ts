/**
 * Every BullMQ queue lives under one hash-tagged prefix, so on Redis Cluster all of a queue's keys
 * (and BullMQ's multi-key scripts) land in one slot.
 */
export const QUEUE_PREFIX = '{mk}';

export const QUEUES = {
  /** One job per authentic push/disconnect callback. */
  liveEvents: 'live-events',
  /** At most one active job per room: recompute the layout and drive the mix API. */
  reconcile: 'reconcile',
  /** The periodic resync's trigger (a job scheduler) and its on-demand runs. */
  resync: 'resync',
} as const;
