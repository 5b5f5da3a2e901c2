import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { describe, expect, test } from 'vitest';
import { useApiService } from '../support/api-service.js';
import { captureLog } from '../support/log-capture.js';

/**
 * Every HTTP server the service starts (the callback port and the admin port) bounds what a client
 * may hold: a request must arrive whole within HTTP_REQUEST_TIMEOUT_MS, its headers within
 * HTTP_HEADERS_TIMEOUT_MS, and at most HTTP_MAX_CONNECTIONS connections are open at once. A cut or
 * aborted request is logged at debug, never as an error with a stack.
 */

const captured = captureLog('debug');
const TOKEN = `admin-${randomUUID()}`;
const api = useApiService(
  {
    ADMIN_TOKEN: TOKEN,
    HOST: '127.0.0.1',
    HTTP_HEADERS_TIMEOUT_MS: '1000',
    HTTP_REQUEST_TIMEOUT_MS: '2000',
    HTTP_MAX_CONNECTIONS: '16',
  },
  captured.log,
);

function open(base: string | undefined): Promise<Socket> {
  const url = new URL(base ?? '');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves when the server closes the socket, with everything it sent; after `withinMs`, with null. */
function closedWithin(socket: Socket, withinMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString();
    });
    socket.on('error', () => {});
    const timer = setTimeout(() => resolve(null), withinMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

/** Sends the headers of a request (authorised, so that its body is read) at once, then its declared body one byte a second, never finishing. */
function trickle(socket: Socket, request: string): () => void {
  socket.write(
    `${request} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\n` +
      'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n',
  );
  const timer = setInterval(() => {
    if (!socket.destroyed) socket.write('{');
  }, 1000);
  return () => clearInterval(timer);
}

describe.each([
  ['the callback port', () => api.service.url, 'POST /callbacks/tencent'],
  ['the admin port', () => api.service.adminUrl, 'PUT /v1/rooms/slow'],
])('%s', (_label, base, request) => {
  test('a client trickling a body a byte a second is cut once the request timeout passes', async () => {
    const socket = await open(base());
    const stop = trickle(socket, request);
    const startedAt = Date.now();
    // Today's servers keep such a client for as long as it keeps trickling (Node's default is 5 min).
    const answer = await closedWithin(socket, 15_000);
    stop();
    socket.destroy();
    expect(answer, 'the server closed the connection').not.toBeNull();
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1900);
    expect(answer).toMatch(/^HTTP\/1\.1 408|^$/);
  });

  test('a client that never finishes its headers is cut once the headers timeout passes', async () => {
    const socket = await open(base());
    socket.write(`${request} HTTP/1.1\r\nHost: x\r\n`);
    const answer = await closedWithin(socket, 15_000);
    socket.destroy();
    expect(answer, 'the server closed the connection').not.toBeNull();
  });

  test('no more than HTTP_MAX_CONNECTIONS connections are held open', async () => {
    const sockets = await Promise.all(Array.from({ length: 16 }, () => open(base())));
    const extra = await open(base());
    // The server drops a connection past its limit at once.
    const answer = await closedWithin(extra, 5000);
    for (const socket of [...sockets, extra]) socket.destroy();
    expect(answer, 'the 17th connection was dropped').not.toBeNull();
    // And serves again once they are gone.
    await expect.poll(async () => (await fetch(`${base()}/healthz`)).status, { timeout: 5000 }).toBe(200);
  });
});

test('cut and aborted requests are logged at debug, never as errors', async () => {
  const socket = await open(api.service.url);
  const stop = trickle(socket, 'POST /callbacks/tencent');
  await closedWithin(socket, 15_000);
  stop();
  // A client that goes away mid-body.
  const gone = await open(api.service.adminUrl);
  gone.write(
    `PUT /v1/rooms/gone HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\n` +
      'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
  );
  await new Promise((resolve) => setTimeout(resolve, 200));
  gone.destroy();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const serious = captured.lines().filter((line) => Number(line.level) >= 50);
  expect(serious).toEqual([]);
  expect(captured.text()).not.toMatch(/"stack"/);
});
