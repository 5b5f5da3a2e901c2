import type { Cluster, Redis } from 'ioredis';

/**
 * A Lua script with named KEYS and ARGV. The names are declared once, beside the body: they order
 * the arguments a call sends and become the locals the script opens with (`local meta = KEYS[1]`,
 * `local now = tonumber(ARGV[3])`), so a body never indexes KEYS or ARGV and the two orders cannot
 * drift apart. A script runs through its own `run`, typed by its declared keys, arguments and
 * `reply`: it registers the script on the client with ioredis `defineCommand` the first time it runs
 * there (ioredis then sends EVALSHA, and the text once per connection that lacks it) and calls it by
 * its `name`, so the name is written once and no `declare module 'ioredis'` block can disagree.
 */

type Client = Redis | Cluster;

/** How an ARGV value reaches the script: as the string Redis passes, or through `tonumber`. */
export type ArgKind = 'string' | 'number';

/** The values a call passes for a script's declared arguments. */
export type ArgValues<A extends Record<string, ArgKind>> = {
  [N in keyof A]: A[N] extends 'number' ? number : string;
};

/** What a script returns, as a type only: `reply: replyOf<number>()`. */
export const replyOf = <R>(): R | undefined => undefined;

export interface ScriptSpec<K extends string, A extends Record<string, ArgKind>, R> {
  /** The command name on the client: `mk` + the script's name, unique among everything defined there. */
  name: string;
  /** KEYS in order: all of one room's keys, or a single namespace key, so Cluster keeps them in one slot. */
  keys: readonly K[];
  /** ARGV in order (an object's key order), each with how the script reads it. */
  args: A;
  /** Trailing ARGV of any length, as one Lua table of strings with this name. */
  rest?: string;
  /** Shared Lua (local functions), placed after the locals and before the body. */
  fragments?: readonly string[];
  body: string;
  /** The reply's type (`replyOf<T>()`); unknown when left out. */
  reply?: R | undefined;
}

export interface RoomScript<K extends string, A extends Record<string, ArgKind>, R = unknown> {
  readonly name: string;
  /** The full script as Redis runs it. */
  readonly lua: string;
  readonly numberOfKeys: number;
  /** The command's arguments, KEYS then ARGV then the rest, in the declared order. */
  argv(keys: Record<K, string>, args: ArgValues<A>, rest?: readonly (string | number)[]): (string | number)[];
  /** Runs the script on this client, registering it there first if need be. */
  run(
    redis: Client,
    keys: Record<K, string>,
    args: ArgValues<A>,
    rest?: readonly (string | number)[],
  ): Promise<R>;
}

const LUA_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function defineScript<const K extends string, const A extends Record<string, ArgKind>, R = unknown>(
  spec: ScriptSpec<K, A, R>,
): RoomScript<K, A, R> {
  const argNames = Object.keys(spec.args) as (keyof A & string)[];
  const names = [...spec.keys, ...argNames, ...(spec.rest ? [spec.rest] : [])];
  for (const name of names) {
    if (!LUA_NAME.test(name)) throw new Error(`script ${spec.name}: "${name}" is not a Lua name`);
  }
  if (new Set(names).size !== names.length) throw new Error(`script ${spec.name}: a name is used twice`);
  const locals = [
    ...spec.keys.map((key, i) => `local ${key} = KEYS[${i + 1}]`),
    ...argNames.map((arg, i) =>
      spec.args[arg] === 'number'
        ? `local ${arg} = tonumber(ARGV[${i + 1}])`
        : `local ${arg} = ARGV[${i + 1}]`,
    ),
    ...(spec.rest ? [`local ${spec.rest} = { unpack(ARGV, ${argNames.length + 1}) }`] : []),
  ];
  const lua = [...locals, ...(spec.fragments ?? []), spec.body.trim()].join('\n');
  const script: RoomScript<K, A, R> = {
    name: spec.name,
    lua,
    numberOfKeys: spec.keys.length,
    argv: (keys, args, rest = []) => [
      ...spec.keys.map((key) => keys[key]),
      ...argNames.map((arg) => args[arg]),
      ...rest,
    ],
    run: (redis, keys, args, rest) => {
      // defineCommand adds the command as a method named `name`; ioredis's types cannot know it.
      const commands = withScript(redis, script) as unknown as Record<string, Command<R>>;
      return commands[spec.name]!.call(redis, ...script.argv(keys, args, rest));
    },
  };
  return script;
}

type Command<R> = (this: Client, ...argv: (string | number)[]) => Promise<R>;

const defined = new WeakMap<Client, Set<string>>();

/**
 * Registers the script on this client unless it already is; returns the client to call it on.
 * Scripts run through their own `run`; src/rooms/push-origins.ts still calls its one by name.
 */
export function withScript<C extends Client>(
  redis: C,
  script: Pick<RoomScript<string, Record<string, ArgKind>>, 'name' | 'lua' | 'numberOfKeys'>,
): C {
  let names = defined.get(redis);
  if (!names) {
    names = new Set();
    defined.set(redis, names);
  }
  if (!names.has(script.name)) {
    redis.defineCommand(script.name, { lua: script.lua, numberOfKeys: script.numberOfKeys });
    names.add(script.name);
  }
  return redis;
}
