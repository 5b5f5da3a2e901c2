import { z } from '@hono/zod-openapi';
import { LAYOUT_NAME_PATTERN, layoutTemplateSchema } from '../../layout/layout-template.js';
import { tileSchema as layoutTileSchema, mixPlanSchema } from '../../layout/plan.js';
import { ROOM_ID_PATTERN } from '../../rooms/membership.js';
import { roomConfigSchema } from '../../rooms/room-config.js';
import {
  appliedMixSchema,
  ROOM_STATUSES,
  lastErrorSchema as storedLastErrorSchema,
} from '../../rooms/stored.js';
import {
  cancelCommonMixStreamRequestSchema,
  createCommonMixStreamRequestSchema,
} from '../../tencent/api3/common-mix-stream.js';
import { API3 } from '../../tencent/api3/envelope.js';
import { STREAM_ID_PATTERN } from '../../tencent/limits.js';
import { MIX_STREAM_V2 } from '../../tencent/mix-stream-v2.js';

/**
 * The rooms API's wire formats, one schema each; handler types are inferred from them and the
 * OpenAPI document is generated from them. Room config uses the store's own `roomConfigSchema`,
 * so the API can never accept a config the reconcile would refuse to read.
 */

export const errorSchema = z
  .object({
    code: z.string().openapi({ example: 'bad_request' }),
    message: z.string().openapi({ example: 'canvas.width: at most 2000 on Cloud API 3.0' }),
    requestId: z.string(),
  })
  .openapi('Error');

export const roomIdParams = z.object({
  id: z
    .string()
    .regex(ROOM_ID_PATTERN, 'a room id: 1-64 letters, digits or underscores')
    .openapi({ param: { name: 'id', in: 'path' }, example: 'r42' }),
});

const streamId = z.string().regex(STREAM_ID_PATTERN, 'a stream id: 1-80 letters, digits or underscores');

/**
 * Not `.openapi('RoomConfig')`: zod 4 gives a schema its methods when it is built, and this one
 * may be built before @hono/zod-openapi extends zod, depending on import order. It is inlined.
 */
export const configBodySchema = roomConfigSchema;

/**
 * The plan and the applied mix are the layout's and the store's own schemas (src/layout/plan.ts,
 * src/rooms/stored.ts), named here as components of the OpenAPI document. `.meta({ id })`, not
 * `.openapi()`: those schemas are plain zod, built without @hono/zod-openapi's methods.
 */
export const tileSchema = layoutTileSchema.meta({ id: 'Tile' });
export const planSchema = mixPlanSchema.extend({ inputs: z.array(tileSchema) }).meta({ id: 'MixPlan' });
export const appliedSchema = appliedMixSchema.extend({ plan: planSchema }).meta({ id: 'AppliedMix' });
export const lastErrorSchema = storedLastErrorSchema.meta({ id: 'LastError' });

export const overrideSchema = z
  .object({ config: configBodySchema, at: z.number(), until: z.number() })
  .openapi('Override');

export const roomStreamSchema = z
  .object({
    streamId: z.string(),
    role: z.enum(['main', 'guest']),
    media: z.enum(['av', 'audio', 'video']),
    state: z.enum(['live', 'leaving', 'gone']),
    pushedAt: z.number(),
    width: z.number(),
    height: z.number(),
    unmixable: z.string().optional(),
  })
  .openapi('RoomStream');

export const roomStatusSchema = z.enum(ROOM_STATUSES);

export const roomSchema = z
  .object({
    id: z.string(),
    status: roomStatusSchema,
    version: z.number().int(),
    updatedAt: z.number().nullable(),
    deleting: z.boolean().openapi({ description: 'an operator deleted it; it goes once no mix runs' }),
    lastError: lastErrorSchema.nullable(),
    config: configBodySchema.nullable().openapi({ description: 'the operator config' }),
    override: overrideSchema.nullable().openapi({ description: 'a temporary layout in force' }),
    streams: z.array(roomStreamSchema),
    // A union with null, not `.nullable()`: it refers to the component and says it may be null.
    desired: z.union([planSchema, z.null()]).describe('what should be mixed now; null: no mix'),
    applied: z.union([appliedSchema, z.null()]).describe('what the platform last accepted'),
    inSync: z
      .boolean()
      .openapi({ description: 'the platform runs the desired plan (or nothing, as desired)' }),
    explain: z.array(z.string()),
  })
  .openapi('Room');

export const roomSummarySchema = z
  .object({
    id: z.string(),
    status: roomStatusSchema,
    version: z.number().int(),
    activeAt: z.number().openapi({ description: 'last callback or operator change (Unix ms)' }),
    updatedAt: z
      .number()
      .nullable()
      .openapi({ description: 'last change of its state, reconciles included' }),
    deleting: z.boolean(),
    live: z.number().int().openapi({ description: 'streams on air' }),
    sessionId: z.string().nullable(),
    inputs: z
      .number()
      .int()
      .openapi({ description: 'streams (people) in the mix on air; the canvas is not counted' }),
    lastErrorCode: z.union([z.number(), z.string()]).nullable(),
    override: z.boolean(),
  })
  .openapi('RoomSummary');

export const listQuerySchema = z.object({
  status: z
    .enum([...ROOM_STATUSES, 'deleting'])
    .optional()
    .openapi({ param: { name: 'status', in: 'query' } }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .openapi({ param: { name: 'limit', in: 'query' } }),
  cursor: z
    .string()
    .max(200)
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' }, description: 'nextCursor of the previous page' }),
});

export const roomListSchema = z
  .object({ rooms: z.array(roomSummarySchema), nextCursor: z.string().nullable() })
  .openapi('RoomList');

export const auditEntrySchema = z
  .looseObject({
    at: z.number(),
    v: z.number().int(),
    type: z.string().openapi({
      example: 'callback',
      description: 'callback, decision, request, answer, config, operator, …',
    }),
  })
  .openapi('AuditEntry');

export const eventsQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(100)
    .openapi({ param: { name: 'limit', in: 'query' } }),
});

export const eventsSchema = z
  .object({ roomId: z.string(), events: z.array(auditEntrySchema) })
  .openapi('RoomEvents');

export const svgQuerySchema = z.object({
  size: z.coerce
    .number()
    .int()
    .min(64)
    .max(2000)
    .optional()
    .openapi({ param: { name: 'size', in: 'query' }, description: 'longest side in CSS pixels' }),
  notes: z
    .enum(['0', '1'])
    .optional()
    .openapi({ param: { name: 'notes', in: 'query' }, description: '1: print the explain text under it' }),
  v: z
    .string()
    .max(64)
    .optional()
    .openapi({
      param: { name: 'v', in: 'query' },
      description: 'a key that changes with the picture (the pages use one): the answer may then be cached',
    }),
});

export const planBodySchema = z
  .object({
    join: z
      .array(
        z
          .object({
            streamId,
            role: z.enum(['main', 'guest']).optional(),
            media: z.enum(['av', 'audio', 'video']).optional(),
            width: z.number().int().min(0).max(4096).optional(),
            height: z.number().int().min(0).max(4096).optional(),
          })
          .strict(),
      )
      .max(16)
      .optional(),
    leave: z.array(streamId).max(64).optional(),
    config: roomConfigSchema.optional(),
    template: z
      .union([z.string().regex(LAYOUT_NAME_PATTERN, 'a layout name'), layoutTemplateSchema])
      .optional()
      .describe(
        'a layout template to try, by name or inline: the room is laid out by it (its preset becomes layout:<name>)',
      ),
  })
  .strict()
  .openapi('PlanRequest');

export const decisionSchema = z
  .object({
    kind: z.enum(['noop', 'wait', 'start', 'cancel']),
    reason: z.string(),
    until: z.number().optional(),
    sessionId: z.string().optional(),
  })
  .openapi('Decision');

const sentSchema = {
  op: z.enum(['start', 'cancel']),
  sessionId: z.string(),
  at: z.number().openapi({ description: 'when it would be sent (Unix ms)' }),
};

/** The next request, in the configured backend's own format (TENCENT_MIX_BACKEND); never signed. */
export const dryRunRequestSchema = z
  .discriminatedUnion('backend', [
    z.object({
      ...sentSchema,
      backend: z.literal('legacy'),
      action: z.enum([MIX_STREAM_V2.start, MIX_STREAM_V2.cancel]),
      body: z.record(z.string(), z.unknown()).openapi({ description: 'the Mix_StreamV2 body' }),
    }),
    z.object({
      ...sentSchema,
      backend: z.literal('api3'),
      action: z.enum([API3.actions.create, API3.actions.cancel]),
      body: z
        .union([createCommonMixStreamRequestSchema, cancelCommonMixStreamRequestSchema])
        .openapi({ description: 'the Cloud API 3.0 parameters (the JSON body of the action)' }),
    }),
  ])
  .openapi('DryRunRequest');

export const planResultSchema = z
  .object({
    roomId: z.string(),
    at: z.number(),
    plan: planSchema.nullable(),
    check: z
      .object({ ok: z.boolean(), code: z.number().optional(), message: z.string().optional() })
      .nullable(),
    decision: decisionSchema,
    request: dryRunRequestSchema.nullable(),
    svg: z.string(),
    explain: z.array(z.string()),
  })
  .openapi('PlanResult');

export const overrideBodySchema = z
  .object({
    minutes: z.number().positive().max(1440).openapi({ description: 'how long; fractions allowed' }),
    config: roomConfigSchema,
  })
  .strict()
  .openapi('OverrideRequest');

export const acceptedSchema = z.object({ roomId: z.string(), accepted: z.string() }).openapi('Accepted');
