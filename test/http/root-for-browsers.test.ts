import { describe, expect, test } from 'vitest';
import { ADMIN_MODES, useAdminApp } from '../support/admin-harness.js';

/** `GET /` in a browser lands on the pages; a script still gets the API's JSON 404. */
describe.each(ADMIN_MODES)('GET / (%s)', (mode) => {
  const h = useAdminApp({ mode });

  test('a browser (Accept: text/html) is sent to /ui, without a token', async () => {
    const res = await h.request('/', {
      headers: { accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8', authorization: '' },
    });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/ui');
  });

  test('anything else gets not_found, naming where the pages and the API are', async () => {
    const res = await h.request('/', { headers: { accept: 'application/json' } });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe('not_found');
    expect(body.message).toContain('/ui');
  });
});
