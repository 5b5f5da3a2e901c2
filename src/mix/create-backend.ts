import type { Config } from '../config.js';
import { ConfigError } from '../config.js';
import { api3Backend } from './api3-backend.js';
import { legacyBackend } from './legacy-backend.js';
import type { MixBackend } from './mix-backend.js';

/** The backend TENCENT_MIX_BACKEND names, or a one-line error naming what is missing. */
export function createBackend(config: Config): MixBackend {
  if (config.TENCENT_MIX_BACKEND === 'api3') {
    const { TENCENT_SECRET_ID: secretId, TENCENT_SECRET_KEY: secretKey } = config;
    if (secretId === undefined || secretKey === undefined) {
      const missing = [
        secretId === undefined && 'TENCENT_SECRET_ID',
        secretKey === undefined && 'TENCENT_SECRET_KEY',
      ];
      throw new ConfigError(`${missing.filter(Boolean).join(', ')}: required by the api3 mix backend`);
    }
    return api3Backend({
      url: config.TENCENT_API_URL,
      secretId,
      secretKey,
      timeoutMs: config.MIX_REQUEST_TIMEOUT_MS,
    });
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
