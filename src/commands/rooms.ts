import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { describeIssues } from '../http/problem.js';
import { listQuerySchema, roomListSchema } from '../http/rooms/schemas.js';
import { getJson, type OperatorIo, processIo, utc } from './operator-api.js';
import { printableIo, printableJson } from './terminal-safe.js';
import { textTable } from './text-table.js';

/** `mixkeeper rooms`: the rooms API's listing as a table. */

export const USAGE = `usage: mixkeeper rooms [--status STATUS] [--limit N] [--all] [--json]

Lists rooms, most recently active first, from the rooms API.

options:
  --status STATUS   idle | pending | mixing | failed | deleting
  --limit N         rooms per page, 1-200 (default 50)
  --cursor C        continue after a previous page
  --all             follow every page
  --json            print the API's answer instead of a table
  -h, --help        show this help

environment: MIXKEEPER_URL (default http://127.0.0.1:8080; the admin port if ADMIN_PORT is set), ADMIN_TOKEN.`;

export async function run(args: string[], given: OperatorIo = processIo): Promise<number> {
  // Ids and messages come partly from callbacks: nothing printed may act on the terminal.
  const io = printableIo(given);
  let values: {
    status?: string;
    limit?: string;
    cursor?: string;
    all?: boolean;
    json?: boolean;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: {
        status: { type: 'string' },
        limit: { type: 'string' },
        cursor: { type: 'string' },
        all: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    io.err(`mixkeeper rooms: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  // The API's own query schema: the terminal refuses what the API would, in the same words.
  const query = listQuerySchema.safeParse({
    status: values.status,
    limit: values.limit,
    cursor: values.cursor,
  });
  if (!query.success) {
    io.err(`mixkeeper rooms: ${describeIssues(query.error.issues, 'query').replace(/^(\w+):/, '--$1:')}`);
    return 2;
  }
  const { limit } = query.data;

  const rows: string[][] = [];
  const pages: z.output<typeof roomListSchema>[] = [];
  let cursor = values.cursor;
  let next: string | null = null;
  do {
    const query = new URLSearchParams({ limit: String(limit) });
    if (values.status) query.set('status', values.status);
    if (cursor) query.set('cursor', cursor);
    const page = await getJson(io, `/v1/rooms?${query}`, roomListSchema);
    if (!page.ok) {
      io.err(`mixkeeper rooms: ${page.message}`);
      return 1;
    }
    pages.push(page.value);
    for (const room of page.value.rooms) {
      rows.push([
        room.id,
        room.deleting ? 'deleting' : room.status,
        String(room.live),
        String(room.inputs),
        room.sessionId ?? '-',
        String(room.version),
        utc(room.activeAt),
        room.lastErrorCode === null ? '-' : String(room.lastErrorCode),
        room.override ? 'yes' : '-',
      ]);
    }
    next = page.value.nextCursor;
    cursor = next ?? undefined;
  } while (values.all && next);

  if (values.json) {
    io.out(printableJson(values.all ? { rooms: pages.flatMap((p) => p.rooms) } : pages[0]));
    return 0;
  }
  if (rows.length === 0) io.out(values.status ? `no ${values.status} rooms` : 'no rooms');
  else
    io.out(
      textTable(
        ['ROOM', 'STATUS', 'LIVE', 'MIXED', 'SESSION', 'VERSION', 'ACTIVE (UTC)', 'ERROR', 'OVERRIDE'],
        rows,
      ),
    );
  if (next && !values.all)
    io.out(`\nmore: mixkeeper rooms --cursor ${next}${values.status ? ` --status ${values.status}` : ''}`);
  return 0;
}
