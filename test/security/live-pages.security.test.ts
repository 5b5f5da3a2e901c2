import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { issueSession, SESSION_COOKIE, SESSION_TTL_MS } from '../../src/http/admin-session.js';
import { T0, TOKEN, useAdminApp } from '../support/admin-harness.js';

/**
 * The pages' server-sent events are bounded: one poller per view however many pages show it, a
 * cap on open streams, and a stream that ends with the session that opened it.
 */

const h = useAdminApp({ guard: { UI_LIVE_STREAMS_MAX: 12 } });
const bearer = { authorization: `Bearer ${TOKEN}` };

beforeAll(async () => {
  for (let i = 0; i < 5; i++) {
    await h.push(`live${i}`, `host_${i}`, 'main');
    await h.push(`live${i}`, `guest_${i}`);
  }
});

/** An open live stream: what it has sent so far, and a way to close it. */
interface OpenStream {
  status: number;
  text(): string;
  /** Resolves once the stream has ended (the server closed it). */
  ended: Promise<void>;
  close(): Promise<void>;
}

async function openStream(path: string, headers: Record<string, string> = bearer): Promise<OpenStream> {
  const res = await h.app.request(path, { headers });
  let received = '';
  if (res.status !== 200 || !res.body) {
    received = await res.text();
    return { status: res.status, text: () => received, ended: Promise.resolve(), close: async () => {} };
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const ended = (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      received += decoder.decode(value, { stream: true });
    }
  })();
  return {
    status: res.status,
    text: () => received,
    ended,
    close: async () => {
      await reader.cancel().catch(() => {});
      await ended;
    },
  };
}

/** Commands per second Redis runs on this test's keys (MONITOR, filtered by its namespace). */
async function commandRate(during: () => Promise<void>): Promise<number> {
  const monitor = await new Redis(inject('redisUrl')).monitor();
  let count = 0;
  monitor.on('monitor', (_time: string, args: string[]) => {
    if (args.some((arg) => String(arg).includes(`${h.namespace}:`))) count += 1;
  });
  const startedAt = Date.now();
  try {
    await during();
  } finally {
    monitor.disconnect();
  }
  return count / ((Date.now() - startedAt) / 1000);
}

const until = async (check: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('one poller per view', () => {
  test.each([
    ['the rooms list', '/ui/live/rooms'],
    ['one room', '/ui/live/rooms/live1'],
  ])('ten pages on %s cost the Redis reads of one', async (_label, path) => {
    const watch = async (pages: number) =>
      commandRate(async () => {
        const streams = await Promise.all(Array.from({ length: pages }, () => openStream(path)));
        for (const stream of streams) expect(stream.status).toBe(200);
        await until(() => streams.every((stream) => stream.text().includes('event: update')));
        // Twenty poll intervals of the harness (20 ms) and then some, on a loaded machine.
        await new Promise((resolve) => setTimeout(resolve, 600));
        await Promise.all(streams.map((stream) => stream.close()));
      });
    const one = await watch(1);
    const ten = await watch(10);
    expect(one).toBeGreaterThan(0);
    // Today each page polls on its own: ten pages cost ten times the reads.
    expect(ten).toBeLessThan(one * 2.5);
  });

  test('every page gets the view, and a page that joins later gets it at once', async () => {
    const first = await openStream('/ui/live/rooms/live2');
    await until(() => first.text().includes('event: update'));
    const later = await openStream('/ui/live/rooms/live2');
    await until(() => later.text().includes('event: update'), 2000);
    expect(later.text()).toContain('host_2');
    await Promise.all([first.close(), later.close()]);
  });
});

describe('a cap on open streams', () => {
  test('past UI_LIVE_STREAMS_MAX a stream is refused with 503, and a freed slot is taken again', async () => {
    const streams = await Promise.all(Array.from({ length: 12 }, () => openStream('/ui/live/rooms')));
    expect(streams.map((stream) => stream.status)).toEqual(Array(12).fill(200));
    const refused = await openStream('/ui/live/rooms/live3');
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.text())).toMatchObject({ code: 'unavailable' });
    await streams[0]!.close();
    // The slot is given back as the closed stream's loop ends.
    let again = await openStream('/ui/live/rooms/live3');
    for (let tries = 0; again.status !== 200 && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      again = await openStream('/ui/live/rooms/live3');
    }
    expect(again.status).toBe(200);
    await Promise.all([...streams.slice(1), again].map((stream) => stream.close()));
  });
});

describe('a stream ends with its session', () => {
  afterAll(() => {
    h.clock.now = T0;
  });

  test('when the session expires', async () => {
    const cookie = { cookie: `${SESSION_COOKIE}=${issueSession(TOKEN, h.clock.now)}` };
    const stream = await openStream('/ui/live/rooms', cookie);
    expect(stream.status).toBe(200);
    await until(() => stream.text().includes('event: update'));
    h.clock.now = T0 + SESSION_TTL_MS + 1000;
    await stream.ended;
    expect(stream.text()).toContain('event: ended');
    h.clock.now = T0;
  });

  test('when the operator signs out, in this tab or another', async () => {
    const session = `${SESSION_COOKIE}=${issueSession(TOKEN, h.clock.now - 1000)}`;
    const stream = await openStream('/ui/live/rooms/live4', { cookie: session });
    expect(stream.status).toBe(200);
    await until(() => stream.text().includes('event: update'));
    const logout = await h.app.request('/ui/logout', { method: 'POST', headers: { cookie: session } });
    expect(logout.status).toBe(303);
    await stream.ended;
    expect(stream.text()).toContain('event: ended');
    // The signed-out cookie opens nothing any more, on this replica or another.
    expect((await h.app.request('/v1/rooms', { headers: { cookie: session } })).status).toBe(401);
  }, 20_000);
});
