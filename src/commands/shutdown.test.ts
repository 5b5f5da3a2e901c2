import { describe, expect, test } from 'vitest';
import { createLogger } from '../log.js';
import { createLifecycle, type Role } from './shutdown.js';

/** The service's logger, its lines kept. */
function captureLog() {
  const lines: string[] = [];
  const log = createLogger('debug', { write: (line: string) => void lines.push(line) });
  return { log, lines: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/** A role that writes what happens to it into `events`. */
function role(name: string, events: string[], fail: { start?: boolean; stop?: boolean } = {}): Role<string> {
  return {
    name,
    async start() {
      events.push(`start ${name}`);
      if (fail.start) throw new Error(`${name} would not start`);
      return name;
    },
    async stop(deadline) {
      events.push(`stop ${name} by ${deadline}`);
      if (fail.stop) throw new Error(`${name} would not stop`);
    },
  };
}

describe('createLifecycle', () => {
  test('roles stop last started first, all by one deadline, and a second stop is the same stop', async () => {
    const events: string[] = [];
    const lifecycle = createLifecycle(captureLog().log);
    expect(await lifecycle.start(role('redis', events))).toBe('redis');
    await lifecycle.start(role('workers', events));
    await lifecycle.start(role('http', events));
    const before = Date.now();
    const first = lifecycle.stop(5000);
    const second = lifecycle.stop(100);
    await Promise.all([first, second]);
    const stops = events.filter((e) => e.startsWith('stop'));
    expect(stops.map((e) => e.split(' by ')[0])).toEqual(['stop http', 'stop workers', 'stop redis']);
    const deadlines = new Set(stops.map((e) => Number(e.split(' by ')[1])));
    expect(deadlines.size).toBe(1);
    expect([...deadlines][0]! - before).toBeGreaterThanOrEqual(5000);
  });

  test('a role whose start failed halfway is stopped with the ones before it', async () => {
    const events: string[] = [];
    const lifecycle = createLifecycle(captureLog().log);
    await lifecycle.start(role('redis', events));
    await expect(lifecycle.start(role('http', events, { start: true }))).rejects.toThrow(/would not start/);
    await lifecycle.stop(1000);
    expect(events.map((e) => e.split(' by ')[0])).toEqual([
      'start redis',
      'start http',
      'stop http',
      'stop redis',
    ]);
    await expect(lifecycle.start(role('late', events))).rejects.toThrow(/stopping/);
  });

  test('a role that fails to stop does not keep the others running; its error is logged and reported', async () => {
    const events: string[] = [];
    const captured = captureLog();
    const lifecycle = createLifecycle(captured.log);
    await lifecycle.start(role('redis', events));
    await lifecycle.start(role('workers', events, { stop: true }));
    await expect(lifecycle.stop(1000)).rejects.toThrow(/workers would not stop/);
    expect(events.filter((e) => e.startsWith('stop')).map((e) => e.split(' by ')[0])).toEqual([
      'stop workers',
      'stop redis',
    ]);
    expect(captured.lines()).toContainEqual(
      expect.objectContaining({ msg: 'stopping failed', role: 'workers' }),
    );
  });
});
