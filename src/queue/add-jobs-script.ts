import { Job, type JobsOptions, optsEncodeMap, type Queue } from 'bullmq';
import { addStandardJob } from 'bullmq/dist/cjs/scripts/addStandardJob-9.js';
import { Cluster, Redis } from 'ioredis';
import { defineScript, replyOf } from '../rooms/scripts/define.js';

/**
 * Many jobs of one queue in one Lua call. The per-job part is BullMQ's own `addStandardJob`
 * script (as BullMQ ships it, wrapped in a function and called once per job), so each job is
 * stored exactly as `queue.add` stores it — job hash, wait list, marker, events, deduplication key,
 * a retry of a kept id answered with that id — and workers read it the same way. What is paid once
 * per call instead of once per job: BullMQ's client work (a Job object, two msgpack encodings, an
 * EVALSHA with nine keys), which profiling put at ~70 µs of CPU per callback even inside `addBulk`,
 * and Redis's per-command cost. Standard jobs only: no delay, priority, parent or repeat.
 */

/** One job: its name, its payload as JSON, its id and (when deduplicated) its deduplication id. */
export interface JobToAdd {
  name: string;
  data: string;
  jobId: string;
  dedupId?: string;
}

/** The two lines of BullMQ's script that decode its msgpack arguments; the wrapper passes tables. */
const DECODE_ARGS = 'cmsgpack.unpack(ARGV[1])';
const DECODE_OPTS = 'cmsgpack.unpack(ARGV[3])';

function perJobLua(): string {
  const content = addStandardJob.content;
  for (const line of [DECODE_ARGS, DECODE_OPTS]) {
    // BullMQ is pinned; an upgrade that changes its script must fail here, not store odd jobs.
    if (content.split(line).length !== 2) throw new Error(`BullMQ's addStandardJob no longer has ${line}`);
  }
  return content.replace(DECODE_ARGS, 'decodedArgs').replace(DECODE_OPTS, 'decodedOpts');
}

const ADD_JOBS = defineScript({
  name: 'mkAddJobs',
  // BullMQ's order (RedisQueueBackend.addStandardJobArgs).
  keys: ['wait', 'paused', 'meta', 'id', 'completed', 'delayed', 'active', 'events', 'marker'],
  args: { prefix: 'string', dedupPrefix: 'string', templateJson: 'string', timestamp: 'number' },
  rest: 'jobs',
  fragments: [`local function addOne(KEYS, ARGV, decodedArgs, decodedOpts)\n${perJobLua()}\nend`],
  body: `
local keys = { wait, paused, meta, id, completed, delayed, active, events, marker }
local template = cjson.decode(templateJson)
local ids = {}
for i = 1, #jobs, 4 do
  local jobId, dedupId, name, data = jobs[i], jobs[i + 1], jobs[i + 2], jobs[i + 3]
  local opts = {}
  for k, v in pairs(template) do opts[k] = v end
  opts['jobId'] = jobId
  -- BullMQ's argument array: prefix, id, name, timestamp; [9] the deduplication key.
  local args = { prefix, jobId, name, timestamp }
  if dedupId ~= '' then
    local de = {}
    for k, v in pairs(template['de'] or {}) do de[k] = v end
    de['id'] = dedupId
    opts['de'] = de
    args[9] = dedupPrefix .. dedupId
  else
    opts['de'] = nil
  end
  ids[#ids + 1] = addOne(keys, { '', data, '' }, args, opts)
end
return ids`,
  reply: replyOf<(string | number)[]>(),
});

/**
 * The ioredis client the queue was opened on (src/queue/bullmq.ts `openQueue`): the script runs
 * there, so it reaches the same Redis (or Cluster slot) as the queue's own commands.
 */
function connectionOf(queue: Queue): Redis | Cluster {
  const connection: unknown = queue.opts.connection;
  if (connection instanceof Redis || connection instanceof Cluster) return connection;
  throw new Error(`queue ${queue.name} was not opened on an ioredis client`);
}

/**
 * The stored form of `options` (ids aside) as BullMQ's Job class normalises and encodes them,
 * as JSON the script decodes once per call.
 */
export function storedOptionsTemplate(queue: Queue, options: JobsOptions): string {
  const normalised = new Job(queue, 'template', {}, options).asJSON().opts as Record<string, unknown>;
  const encode = optsEncodeMap as Record<string, string>;
  const stored: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(normalised)) {
    if (value !== undefined) stored[encode[name] ?? name] = value;
  }
  return JSON.stringify(stored);
}

/**
 * Adds `jobs` to `queue` in one call; every job carries the options of `template`
 * (storedOptionsTemplate) with its own id and deduplication id. Returns, per job, its id (the
 * kept job's id when it was a duplicate) or BullMQ's negative error code.
 */
export async function addJobs(
  queue: Queue,
  template: string,
  jobs: readonly JobToAdd[],
): Promise<(string | number)[]> {
  const client = connectionOf(queue);
  const keys = queue.keys;
  const rest: string[] = [];
  for (const job of jobs) rest.push(job.jobId, job.dedupId ?? '', job.name, job.data);
  const reply = await ADD_JOBS.run(
    client,
    {
      wait: keys.wait!,
      paused: keys.paused!,
      meta: keys.meta!,
      id: keys.id!,
      completed: keys.completed!,
      delayed: keys.delayed!,
      active: keys.active!,
      events: keys.events!,
      marker: keys.marker!,
    },
    { prefix: keys['']!, dedupPrefix: `${keys.de}:`, templateJson: template, timestamp: Date.now() },
    rest,
  );
  return reply ?? [];
}
