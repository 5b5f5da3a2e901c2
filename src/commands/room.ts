import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { eventsSchema, roomSchema } from '../http/rooms/schemas.js';
import { auditLine } from '../http/ui/audit-line.js';
import { ROOM_ID_PATTERN } from '../rooms/membership.js';
import { getJson, type OperatorIo, processIo, utc } from './operator-api.js';
import { printableIo, printableJson } from './terminal-safe.js';
import { textTable } from './text-table.js';

/** `mixkeeper room <id>`: one room from the rooms API as tables: who is on air, the mix, why, what happened. */

export const USAGE = `usage: mixkeeper room <id> [--events N] [--json]

Shows one room from the rooms API: status, streams on air, the desired mix and why, recent events.

options:
  --events N   how many audit entries to show (default 20, 0 for none)
  --json       print the API's answer instead of tables
  -h, --help   show this help

environment: MIXKEEPER_URL (default http://127.0.0.1:8080; the admin port if ADMIN_PORT is set), ADMIN_TOKEN.`;

export async function run(args: string[], given: OperatorIo = processIo): Promise<number> {
  // Ids and messages come partly from callbacks: nothing printed may act on the terminal.
  const io = printableIo(given);
  let parsed: { values: { events?: string; json?: boolean; help?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        events: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.err(`mixkeeper room: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const [id, ...extra] = positionals;
  if (!id || extra.length || !ROOM_ID_PATTERN.test(id)) {
    io.err(`mixkeeper room: give one room id (1-64 letters, digits or underscores)\n\n${USAGE}`);
    return 2;
  }
  const eventCount = Number(values.events ?? 20);
  if (!Number.isInteger(eventCount) || eventCount < 0 || eventCount > 1000) {
    io.err('mixkeeper room: --events must be a whole number from 0 to 1000');
    return 2;
  }

  const room = await getJson(io, `/v1/rooms/${id}`, roomSchema);
  if (!room.ok) {
    io.err(`mixkeeper room: ${room.message}`);
    return 1;
  }
  const events = eventCount
    ? await getJson(io, `/v1/rooms/${id}/events?limit=${eventCount}`, eventsSchema)
    : undefined;
  if (events && !events.ok) {
    io.err(`mixkeeper room: ${events.message}`);
    return 1;
  }
  if (values.json) {
    io.out(printableJson({ room: room.value, ...(events?.ok ? { events: events.value.events } : {}) }));
    return 0;
  }
  io.out(describe(room.value, events?.ok ? events.value.events : []));
  return 0;
}

type Room = z.output<typeof roomSchema>;
type Events = z.output<typeof eventsSchema>['events'];

function describe(room: Room, events: Events): string {
  const parts: string[] = [];
  const status = room.deleting ? 'deleting' : room.status;
  const session = room.applied ? `session ${room.applied.sessionId}` : 'no session';
  parts.push(
    `room ${room.id}  ${status}  version ${room.version}  ${session}  ${room.inSync ? 'in step with the platform' : 'catching up'}`,
  );
  if (room.lastError) {
    const e = room.lastError;
    parts.push(`last error: ${e.op} ${e.code} at ${utc(e.at)}: ${e.message} (${e.hint})`);
  }
  if (room.override)
    parts.push(`override ${JSON.stringify(room.override.config)} until ${utc(room.override.until)}`);

  parts.push(
    '',
    room.streams.length
      ? textTable(
          ['STREAM', 'ROLE', 'MEDIA', 'STATE', 'PUSHED (UTC)', 'SIZE', 'NOTE'],
          room.streams.map((s) => [
            s.streamId,
            s.role,
            s.media,
            s.state,
            utc(s.pushedAt),
            s.width && s.height ? `${s.width}x${s.height}` : 'unknown',
            s.unmixable ?? '',
          ]),
        )
      : 'no streams',
  );

  const plan = room.desired;
  parts.push('');
  if (plan) {
    parts.push(
      `desired mix: ${plan.preset}, ${plan.canvas.width}x${plan.canvas.height}, output ${plan.outputStreamId} (type ${plan.outputType})` +
        `${plan.templateId ? `, template ${plan.templateId}` : ''}${plan.bitrate ? `, ${plan.bitrate} kbps` : ''}`,
      textTable(
        ['INPUT', 'LAYER', 'ROLE', 'TYPE', 'RECT (x,y wxh)', 'CROP'],
        plan.inputs.map((t) => [
          t.streamId,
          String(t.layer),
          t.role,
          String(t.inputType),
          t.rect ? `${t.rect.x},${t.rect.y} ${t.rect.width}x${t.rect.height}` : '-',
          t.crop ? `${t.crop.x},${t.crop.y} ${t.crop.width}x${t.crop.height}` : '-',
        ]),
      ),
    );
  } else parts.push('desired mix: none');

  parts.push('', 'why:', ...room.explain.map((line) => `  ${line}`));
  if (events.length) {
    parts.push(
      '',
      textTable(
        ['TIME (UTC)', 'V', 'WHAT', 'DETAIL'],
        events.map((e) => [utc(e.at), String(e.v), e.type, auditLine(e)]),
        100,
      ),
    );
  }
  return parts.join('\n');
}
