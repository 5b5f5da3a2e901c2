import { describe, expect, test } from 'vitest';
import { issueSession, SESSION_TTL_MS, sameSecret, verifySession } from './admin-session.js';

const TOKEN = 'operator-token-0123456789abcdef';
const NOW = 1_800_000_000_000;

describe('the pages’ session cookie', () => {
  test('is valid for its lifetime, then not', () => {
    const session = issueSession(TOKEN, NOW);
    expect(verifySession(TOKEN, session, NOW)).toBe(true);
    expect(verifySession(TOKEN, session, NOW + SESSION_TTL_MS - 1000)).toBe(true);
    expect(verifySession(TOKEN, session, NOW + SESSION_TTL_MS)).toBe(false);
  });

  test('does not contain the token and proves nothing for another token', () => {
    const session = issueSession(TOKEN, NOW);
    expect(session).not.toContain(TOKEN);
    expect(verifySession(`${TOKEN}x`, session, NOW)).toBe(false);
  });

  test('a tampered expiry or signature is refused', () => {
    const session = issueSession(TOKEN, NOW);
    const [expiry, signature] = session.split('.') as [string, string];
    expect(verifySession(TOKEN, `${Number(expiry) + 3600}.${signature}`, NOW)).toBe(false);
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    expect(verifySession(TOKEN, `${expiry}.${flipped}`, NOW)).toBe(false);
    for (const junk of ['', '.', 'abc', `${expiry}.`, `${expiry}.${signature}.x`, TOKEN]) {
      expect(verifySession(TOKEN, junk, NOW)).toBe(false);
    }
  });

  test('sameSecret compares whole values of any length', () => {
    expect(sameSecret(TOKEN, TOKEN)).toBe(true);
    expect(sameSecret(TOKEN.slice(0, -1), TOKEN)).toBe(false);
    expect(sameSecret('', TOKEN)).toBe(false);
  });
});
