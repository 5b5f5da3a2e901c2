#!/usr/bin/env node
/**
 * `mixkeeper <command>`: the composition root. Each command lives in `src/commands/<name>.ts`
 * and is loaded only when asked for, so `mixkeeper layout` never touches Redis.
 */

interface Command {
  summary: string;
  load: () => Promise<{ run(args: string[]): Promise<number> }>;
}

const COMMANDS: Record<string, Command> = {
  dev: {
    summary: 'run everything locally: Redis (spawned if REDIS_URL is unset), simulator, API, workers',
    load: () => import('./commands/dev.js'),
  },
  api: {
    summary: 'serve callbacks, the rooms API, pages and metrics',
    load: () => import('./commands/api.js'),
  },
  worker: { summary: 'process events and reconcile rooms', load: () => import('./commands/worker.js') },
  all: { summary: 'api and worker in one process', load: () => import('./commands/all.js') },
  sim: {
    summary: "the platform simulator: Tencent's mix CGI and callbacks on a local port",
    load: () => import('./commands/sim.js'),
  },
  layout: {
    summary: 'print the plan, SVG or request body for a room, offline',
    load: () => import('./commands/layout.js'),
  },
  rooms: {
    summary: 'list rooms from the rooms API (MIXKEEPER_URL, ADMIN_TOKEN)',
    load: () => import('./commands/rooms.js'),
  },
  room: {
    summary: 'one room from the rooms API: who is on air, the mix, why, what happened',
    load: () => import('./commands/room.js'),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: mixkeeper <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nmixkeeper <command> --help shows a command's options.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`mixkeeper: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  return (await command.load()).run(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`mixkeeper: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
