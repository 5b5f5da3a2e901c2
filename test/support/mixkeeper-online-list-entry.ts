import { startService } from '../../src/commands/service.js';
import { closeOnSignals } from '../../src/commands/shutdown.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { simOnlineList } from './sim-online-list.js';

/**
 * `mixkeeper all` as a real process whose resync reads the simulator's live streams as the
 * platform's online list (SIM_ONLINE_LIST_URL): the chaos tests' stand-in for the API 3.0 online list.
 */
const config = loadConfig();
const log = createLogger(config.LOG_LEVEL);
const simUrl = process.env.SIM_ONLINE_LIST_URL;
if (!simUrl) throw new Error('SIM_ONLINE_LIST_URL is not set');
const service = await startService({
  config,
  roles: { api: true, workers: true },
  log,
  onlineList: simOnlineList(simUrl),
});
closeOnSignals(service, log, config.SHUTDOWN_DEADLINE_MS);
