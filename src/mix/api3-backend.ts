import {
  cancelMixStreamRequest,
  commonMixStreamResponseSchema,
  createMixStreamRequest,
} from '../tencent/api3/common-mix-stream.js';
import { API3 } from '../tencent/api3/envelope.js';
import { classifyApiError } from '../tencent/api3/errors.js';
import { classifyMixError, type MixOperation } from '../tencent/errors.js';
import type { MixSpec } from '../tencent/mix-spec.js';
import { type Api3ClientOptions, api3Client } from './api3-client.js';
import type { MixBackend, MixOutcome } from './mix-backend.js';

export type Api3BackendOptions = Api3ClientOptions;

/**
 * The mix through Cloud API 3.0: `CreateCommonMixStream` (start or update: same session id, new
 * layout) and `CancelCommonMixStream`, TC3-signed afresh for every request (api3-client.ts says
 * why this is a client of our own and not the SDK). Errors come back in the legacy vocabulary with
 * the API 3.0 code beside it (src/tencent/api3/errors.ts); "session does not exist" on cancel is
 * success.
 */
export function api3Backend(options: Api3BackendOptions): MixBackend {
  const client = api3Client(options);

  async function call(op: MixOperation, body: object): Promise<MixOutcome> {
    const action = op === 'start' ? API3.actions.create : API3.actions.cancel;
    const result = await client.call(action, body, commonMixStreamResponseSchema);
    switch (result.kind) {
      case 'ok':
        return { request: body, response: result.data, durationMs: result.durationMs };
      case 'error': {
        const info = classifyApiError(result.error, op);
        const outcome: MixOutcome = {
          request: body,
          response: result.response,
          durationMs: result.durationMs,
        };
        if (info.class !== 'done') outcome.error = { ...info, message: result.error.Message || info.meaning };
        return outcome;
      }
      case 'transport': {
        const info = classifyMixError(result.code, op);
        return {
          request: body,
          response: result.response,
          durationMs: result.durationMs,
          error: { ...info, message: result.message || info.meaning },
        };
      }
    }
  }

  return {
    name: 'api3',
    start: (sessionId, spec: MixSpec) => call('start', createMixStreamRequest(sessionId, spec)),
    // The API 3.0 cancel names only the session: the output id is not needed.
    cancel: (sessionId) => call('cancel', cancelMixStreamRequest(sessionId)),
  };
}
