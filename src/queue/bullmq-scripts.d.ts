/**
 * BullMQ's own Lua scripts, as its compiled files export them (includes resolved). The package
 * ships their types for its ESM build only; the CommonJS file Node loads is the same object.
 */
declare module 'bullmq/dist/cjs/scripts/addStandardJob-9.js' {
  export const addStandardJob: { name: string; content: string; keys: number };
}
