import { z } from 'zod';
import type { RoomConfig } from '../layout/plan.js';
import { parseRoomConfig } from './room-config.js';

/**
 * An operator's temporary layout: config fields laid over the room's own config until `until`,
 * then the rules apply again. Stored under the room's `override` key with a TTL a little past
 * `until`; readers still compare `until` with their clock, so the TTL is only housekeeping.
 */

export const storedOverrideSchema = z.object({
  /** Validated by `roomConfigSchema` when parsed. */
  config: z.unknown(),
  /** When it was set (Unix ms). */
  at: z.number().int(),
  /** When the room goes back to its rules (Unix ms). */
  until: z.number().int(),
});

export interface RoomOverride {
  config: RoomConfig;
  at: number;
  until: number;
}

export function parseStoredOverride(value: unknown): RoomOverride {
  const parsed = storedOverrideSchema.parse(value);
  return { config: parseRoomConfig(parsed.config), at: parsed.at, until: parsed.until };
}

/** The override in force at `now`, if any. */
export function activeOverride(override: RoomOverride | undefined, now: number): RoomOverride | undefined {
  return override && override.until > now ? override : undefined;
}
