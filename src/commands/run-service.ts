import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import { startService } from './service.js';
import { closeOnSignals } from './shutdown.js';

/** `mixkeeper api|worker|all`: one process with the given roles, configured from the environment. */
export async function runService(name: string, roles: { api: boolean; workers: boolean }, args: string[]) {
  const { values } = parseArgs({ args, options: { help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(
      `usage: mixkeeper ${name}\n\nConfigured from the environment; see src/config.ts or README.md.`,
    );
    return 0;
  }
  try {
    const config = loadConfig();
    const log = createLogger(config.LOG_LEVEL);
    log.info({ command: name }, 'starting');
    // Without the API, a worker still answers probes and scrapes on PORT.
    const service = await startService({ config, roles, log, opsServer: !roles.api });
    closeOnSignals(service, log, config.SHUTDOWN_DEADLINE_MS);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`mixkeeper ${name}: ${error.message}`);
      return 2;
    }
    throw error;
  }
  return new Promise<number>(() => {});
}
