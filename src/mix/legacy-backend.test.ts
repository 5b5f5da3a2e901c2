import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { PIP_SPEC } from '../sim/index.js';
import { md5Sign } from '../tencent/md5-sign.js';
import { legacyBackend } from './legacy-backend.js';

/** A scripted stand-in for the CGI: each request takes the next answer. */
type Answer = (req: IncomingMessage, res: ServerResponse) => void;
let answers: Answer[] = [];
const seen: { url: string; body: string }[] = [];
let server: Server;
let url = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({ url: req.url ?? '', body });
      (answers.shift() ?? json({ code: 0, message: 'Success!' }))(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/common_access`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  answers = [];
  seen.length = 0;
});

const json =
  (body: unknown, status = 200): Answer =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
const text =
  (body: string, status = 200): Answer =>
  (_req, res) => {
    res.writeHead(status);
    res.end(body);
  };

const NOW = 1_490_858_287_000;
const backend = () => legacyBackend({ url, appId: 1252500000, key: 'k3y', timeoutMs: 200, now: () => NOW });

describe('legacyBackend', () => {
  test('signs the query afresh and posts the start body', async () => {
    const outcome = await backend().start('room_1', PIP_SPEC);
    expect(outcome.error).toBeUndefined();
    const { searchParams } = new URL(seen[0]!.url, 'http://x');
    expect(searchParams.get('t')).toBe('1490858347');
    expect(searchParams.get('sign')).toBe(md5Sign('k3y', 1490858347));
    const body = JSON.parse(seen[0]!.body);
    expect(body.interface.para).toMatchObject({
      mix_stream_session_id: 'room_1',
      output_stream_id: 'host_a',
    });
    expect(outcome.request).toEqual(body);
    expect(JSON.stringify(outcome)).not.toContain('k3y');
  });

  test('a platform error code is a classified value, not an exception', async () => {
    answers.push(json({ code: -505, message: 'stream not found' }));
    const outcome = await backend().start('room_1', PIP_SPEC);
    expect(outcome.error).toMatchObject({ code: -505, class: 'retry', message: 'stream not found' });
    answers.push(json({ code: -2, message: 'small picture out of the background' }));
    expect((await backend().start('room_1', PIP_SPEC)).error).toMatchObject({ code: -2, class: 'permanent' });
  });

  test('cancelling a session that no longer exists is success', async () => {
    answers.push(json({ code: -30300, message: 'session not exist' }));
    const outcome = await backend().cancel('room_1', 'host_a');
    expect(outcome.error).toBeUndefined();
    expect(outcome.response).toMatchObject({ code: -30300 });
  });

  test('no answer within the timeout is an unknown outcome to retry', async () => {
    answers.push(() => {}); // never answers
    const started = performance.now();
    const outcome = await backend().start('room_1', PIP_SPEC);
    expect(outcome.error).toMatchObject({ code: 'timeout', class: 'retry' });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test('5xx, plain-text "time expired" and garbage are transient', async () => {
    answers.push(text('busy', 502), text('time expired'), text('<html>'));
    expect((await backend().start('r', PIP_SPEC)).error?.code).toBe('http_5xx');
    expect((await backend().start('r', PIP_SPEC)).error?.code).toBe('time_expired');
    expect((await backend().start('r', PIP_SPEC)).error).toMatchObject({
      code: 'bad_response',
      class: 'retry',
    });
  });

  test('a refused connection is a network error', async () => {
    const closed = legacyBackend({
      url: 'http://127.0.0.1:1/common_access',
      appId: 1,
      key: 'k',
      timeoutMs: 500,
    });
    expect((await closed.cancel('r', 'o')).error).toMatchObject({ code: 'network', class: 'retry' });
  });
});
