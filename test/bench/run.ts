import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PHASES, type Phase, runBench } from './harness.js';
import { ROOT, type Runtime } from './processes.js';
import { renderMarkdown } from './report.js';
import { benchResultSchema } from './results.js';

/** `npm run bench [-- --quick] [--runtime dist|tsx] [--only a,b] [--out file.json] [--profile dir] [--ingest-before dir]` */

const USAGE = `usage: npm run bench -- [options]

  --quick           a short smoke run on tiny numbers (about 40 s, mostly process start-up)
  --runtime <r>     dist (default: npm run build, then run the compiled JavaScript) or tsx (the sources)
  --only <phases>   comma-separated subset of ${PHASES.join(', ')}
  --out <file>      result JSON (default docs/bench-results/latest.json, or quick.json with --quick);
                    the Markdown table is written beside it (.md)
  --profile <dir>   write V8 CPU profiles of mixkeeper's processes to <dir> (node --cpu-prof)
  --ingest-before <checkout>
                    also measure the api of another checkout of mixkeeper (e.g. a git worktree of
                    the commit before a change) in the ingest phase, as "before"; with --runtime
                    dist it is built first`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      runtime: { type: 'string' },
      only: { type: 'string' },
      out: { type: 'string' },
      profile: { type: 'string' },
      'ingest-before': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const mode = values.quick ? 'quick' : 'full';
  const runtime = (values.runtime ?? 'dist') as Runtime;
  if (runtime !== 'dist' && runtime !== 'tsx') {
    console.error(`--runtime must be dist or tsx\n\n${USAGE}`);
    return 2;
  }
  const only = values.only?.split(',').map((name) => name.trim()) as Phase[] | undefined;
  const unknown = only?.filter((name) => !(PHASES as readonly string[]).includes(name)) ?? [];
  if (unknown.length) {
    console.error(`unknown phase(s): ${unknown.join(', ')}\n\n${USAGE}`);
    return 2;
  }
  const ingestBefore = values['ingest-before'] ? resolve(values['ingest-before']) : undefined;
  if (runtime === 'dist') {
    build(ROOT);
    if (ingestBefore) build(ingestBefore);
  }
  const out = resolve(
    values.out ?? join(ROOT, 'docs/bench-results', mode === 'quick' ? 'quick.json' : 'latest.json'),
  );
  const profileDir = values.profile ? resolve(values.profile) : undefined;
  if (profileDir) await mkdir(profileDir, { recursive: true });

  const result = benchResultSchema.parse(
    await runBench({
      mode,
      runtime,
      ...(only ? { only } : {}),
      ...(profileDir ? { profileDir } : {}),
      ...(ingestBefore ? { ingestBefore } : {}),
    }),
  );
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  const markdown = renderMarkdown(result);
  await writeFile(out.replace(/\.json$/, '.md'), markdown);
  console.log(`\n${markdown}\nwritten: ${out}`);
  const missed = result.figures.filter((f) => f.met === false);
  if (missed.length) console.log(`targets missed: ${missed.map((f) => f.id).join(', ')}`);
  return 0;
}

/** `tsc -p tsconfig.build.json` in the checkout `root`, with that checkout's own compiler. */
function build(root: string): void {
  console.log(`building ${join(root, 'dist')} (tsc -p tsconfig.build.json)`);
  try {
    execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], {
      cwd: root,
      stdio: 'inherit',
    });
  } catch {
    // tsc emits despite type errors; a missing entry point is what stops the bench.
    if (!existsSync(join(root, 'dist/src/cli.js')))
      throw new Error(`the build produced no ${join(root, 'dist/src/cli.js')}`);
    console.warn('tsc reported errors; benchmarking what it emitted');
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
