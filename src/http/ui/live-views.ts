import type { Logger } from '../../log.js';

/**
 * The pages' live regions, shared: one poller per view (the rooms list with a filter, one room),
 * however many pages show it, fanned out to each open stream. A view is read from Redis once per
 * poll while anyone watches it and not at all once nobody does; N open pages cost one poller each
 * per distinct view, not N. Open streams are capped per process (UI_LIVE_STREAMS_MAX).
 */

/** A view's HTML, or null once it is gone (the room was deleted). */
export type Render = () => Promise<string | null>;
export type Listener = (html: string | null) => void;

export interface LiveViewsOptions {
  pollMs: number;
  /** Streams open at once in this process; `admit()` refuses past it. */
  maxStreams: number;
  log: Logger;
}

export interface LiveViews {
  /** Takes a stream slot, or says none is free; `release` gives it back (once). */
  admit(): { release: () => void } | undefined;
  /**
   * Follows view `key`: `listener` gets its HTML at once when it is known, then whenever it
   * changes. The first subscriber's `render` reads it for everyone. Returns the unsubscribe.
   */
  subscribe(key: string, render: Render, listener: Listener): () => void;
  /** Streams admitted and not yet released. */
  readonly streams: number;
  /** Views being polled. */
  readonly pollers: number;
}

interface Poller {
  listeners: Set<Listener>;
  /** What the last successful read gave; undefined before it. */
  last: { html: string | null } | undefined;
  timer: NodeJS.Timeout | undefined;
}

export function createLiveViews(options: LiveViewsOptions): LiveViews {
  const pollers = new Map<string, Poller>();
  let streams = 0;

  const poll = async (key: string, poller: Poller, render: Render) => {
    poller.timer = undefined;
    if (pollers.get(key) !== poller) return;
    try {
      const html = await render();
      if (poller.last === undefined || poller.last.html !== html) {
        poller.last = { html };
        for (const listener of poller.listeners) listener(html);
      }
    } catch (error) {
      // Redis away for a moment: keep the pages, try again on the next tick.
      options.log.debug({ err: (error as Error).message, view: key }, 'live view read failed');
    }
    if (pollers.get(key) === poller) {
      poller.timer = setTimeout(() => void poll(key, poller, render), options.pollMs);
    }
  };

  return {
    admit() {
      if (streams >= options.maxStreams) return undefined;
      streams += 1;
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          streams -= 1;
        },
      };
    },
    subscribe(key, render, listener) {
      let poller = pollers.get(key);
      if (!poller) {
        poller = { listeners: new Set(), last: undefined, timer: undefined };
        pollers.set(key, poller);
        void poll(key, poller, render);
      } else if (poller.last !== undefined) {
        listener(poller.last.html);
      }
      const own = poller;
      // A Set keeps one entry per function: wrap, so the same listener may subscribe twice.
      const entry: Listener = (html) => listener(html);
      own.listeners.add(entry);
      return () => {
        own.listeners.delete(entry);
        if (own.listeners.size > 0 || pollers.get(key) !== own) return;
        pollers.delete(key);
        if (own.timer) clearTimeout(own.timer);
      };
    },
    get streams() {
      return streams;
    },
    get pollers() {
      return pollers.size;
    },
  };
}
