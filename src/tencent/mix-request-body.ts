import {
  type CancelCommonMixStreamRequest,
  type CreateCommonMixStreamRequest,
  cancelMixStreamRequest,
  createMixStreamRequest,
} from './api3/common-mix-stream.js';
import { API3 } from './api3/envelope.js';
import type { MixBackendName } from './limits.js';
import type { MixSpec } from './mix-spec.js';
import {
  type CancelBody,
  cancelBody,
  MIX_STREAM_V2,
  type RequestMeta,
  type StartBody,
  startBody,
} from './mix-stream-v2.js';

/**
 * A start or cancel in the format of either mix API, built by the functions its backend sends with
 * (src/mix/legacy-backend.ts, src/mix/api3-backend.ts), for what operators are shown (the dry run,
 * `mixkeeper layout`). Never signed: legacy signs the URL, API 3.0 the headers.
 */
export type MixRequestBody =
  | { backend: 'legacy'; action: typeof MIX_STREAM_V2.start; body: StartBody }
  | { backend: 'legacy'; action: typeof MIX_STREAM_V2.cancel; body: CancelBody }
  | { backend: 'api3'; action: typeof API3.actions.create; body: CreateCommonMixStreamRequest }
  | { backend: 'api3'; action: typeof API3.actions.cancel; body: CancelCommonMixStreamRequest };

export function startRequestBody(backend: MixBackendName, spec: MixSpec, meta: RequestMeta): MixRequestBody {
  return backend === 'api3'
    ? { backend, action: API3.actions.create, body: createMixStreamRequest(meta.sessionId, spec) }
    : { backend, action: MIX_STREAM_V2.start, body: startBody(spec, meta) };
}

/** API 3.0 cancels name the session only; the legacy cancel also names the output. */
export function cancelRequestBody(
  backend: MixBackendName,
  outputStreamId: string,
  meta: RequestMeta,
): MixRequestBody {
  return backend === 'api3'
    ? { backend, action: API3.actions.cancel, body: cancelMixStreamRequest(meta.sessionId) }
    : { backend, action: MIX_STREAM_V2.cancel, body: cancelBody(outputStreamId, meta) };
}
