import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import { closeOnSignals, startService } from './service.js';

/** `mixkeeper api|worker|all`: one process with the given roles, configured from the environment. */
export async function runService(name: string, roles: { api: boolean; workers: boolean }, args: string[]) {
  const { values } = parseArgs({ args, options: { help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(
      `usage: mixkeeper ${name}\n\nConfigured from the environment; see src/config.ts or README.md.`,
    );
    return 0;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`mixkeeper ${name}: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const log = createLogger(config.LOG_LEVEL);
  try {
    const service = await startService({ config, roles, log });
    closeOnSignals(service, log);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`mixkeeper ${name}: ${error.message}`);
      return 2;
    }
    throw error;
  }
  return new Promise<number>(() => {});
}
