import { startService } from '../../src/commands/service.js';
import { closeOnSignals } from '../../src/commands/shutdown.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { simLiveTruth } from './sim-live-truth.js';

/**
 * `mixkeeper all` as a real process whose resync reads the simulator's live streams as the
 * platform's live list (SIM_TRUTH_URL): the chaos tests' stand-in for the API 3.0 online list.
 */
const config = loadConfig();
const log = createLogger(config.LOG_LEVEL);
const simUrl = process.env.SIM_TRUTH_URL;
if (!simUrl) throw new Error('SIM_TRUTH_URL is not set');
const service = await startService({
  config,
  roles: { api: true, workers: true },
  log,
  liveTruth: simLiveTruth(simUrl),
});
closeOnSignals(service, log, config.SHUTDOWN_DEADLINE_MS);
