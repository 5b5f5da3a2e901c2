import type { Config } from '../config.js';
import { ConfigError } from '../config.js';
import { legacyBackend } from './legacy-backend.js';
import type { MixBackend } from './mix-backend.js';

/** The backend TENCENT_MIX_BACKEND names, or a one-line error naming what is missing. */
export function createBackend(config: Config): MixBackend {
  if (config.TENCENT_MIX_BACKEND === 'api3') {
    throw new ConfigError('TENCENT_MIX_BACKEND: api3 is not available yet; use legacy');
  }
  const missing = [
    config.TENCENT_APPID === undefined && 'TENCENT_APPID',
    config.TENCENT_MIX_KEY === undefined && 'TENCENT_MIX_KEY',
  ].filter(Boolean);
  if (missing.length) throw new ConfigError(`${missing.join(', ')}: required by the legacy mix backend`);
  return legacyBackend({
    url: config.TENCENT_MIX_URL,
    appId: config.TENCENT_APPID!,
    key: config.TENCENT_MIX_KEY!,
    timeoutMs: config.MIX_REQUEST_TIMEOUT_MS,
  });
}
