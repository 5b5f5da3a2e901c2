import type { MixSpec } from '../../tencent/mix-spec.js';
import type { TileSpec } from './mix-client.js';

/**
 * The room most simulator and backend tests mix: a 720×1280 host with a 480×640 guest shown as a
 * 160×240 picture-in-picture at (380, 630). One definition, so a test that changes it says so.
 */

/** The streams to push (POST /sim/streams). */
export const HOST = { streamId: 'host_a', width: 720, height: 1280 };
export const GUEST = { streamId: 'guest_b', width: 480, height: 640 };

/** The host as the background, on layer 1, in its own size. */
export const HOST_TILE: TileSpec = { id: 'host_a', layer: 1 };
/** The guest's picture-in-picture tile (layout in pixels). */
export const PIP_GUEST: TileSpec = {
  id: 'guest_b',
  layer: 2,
  layout: { image_width: 160, image_height: 240, location_x: 380, location_y: 630 },
};
/** The two tiles as a legacy CGI start lists them. */
export const TWO_UP: TileSpec[] = [HOST_TILE, PIP_GUEST];

/** The same mix as the service's backend-neutral spec, output on the host's stream id. */
export const PIP_SPEC: MixSpec = {
  outputStreamId: 'host_a',
  outputType: 0,
  templateId: 0,
  inputs: [
    { streamId: 'host_a', layer: 1, inputType: 0 },
    { streamId: 'guest_b', layer: 2, inputType: 0, rect: { x: 380, y: 630, width: 160, height: 240 } },
  ],
};
