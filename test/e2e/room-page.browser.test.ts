import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Chromium, launchChromium, screenshot } from '../support/browser.js';
import { expectNoViolations, type Stack, startStack } from '../support/stack.js';

/**
 * The room pages in a real browser: Debian's Chromium (never a downloaded one) driven by
 * playwright-core logs in with the token, opens a room and watches it change after a join,
 * through the server-sent events alone. The screenshot lands in test-results/ for a human.
 */

const LEAVE_GRACE_MS = 3000;

let stack: Stack;
let browser: Chromium;

beforeAll(async () => {
  // A leave grace long enough to see a leaving guest on the page (the stack's default is 40 ms).
  stack = await startStack({ MIX_LEAVE_GRACE_MS: String(LEAVE_GRACE_MS) });
  browser = await launchChromium({ viewport: { width: 1280, height: 900 } });
}, 30_000);

afterAll(async () => {
  await browser?.close();
  if (stack) {
    await expectNoViolations(stack);
    await stack.close();
  }
});

describe('the room page in Chromium', () => {
  test('logs in, opens a room, and sees it change after a simulated join', async () => {
    // The host asks for a layout that is no preset: the room falls back to pip and says why.
    await stack.push('host_a', { mix_room: 'web1', mix_role: 'main', mix_layout: 'mosaic' });
    await stack.push('guest_b', { mix_room: 'web1' });
    // A room whose only stream has gone: idle.
    await stack.push('lone_host', { mix_room: 'idle1', mix_role: 'main' });
    await stack.until(async () => expect((await stack.room('web1'))?.status).toBe('mixing'));
    await stack.until(async () => expect((await stack.room('idle1'))?.streams).toHaveLength(1));
    await stack.stop('lone_host');
    await stack.until(async () => {
      const idle = await stack.room('idle1');
      expect(idle?.status).toBe('idle');
      expect(idle?.streams).toEqual([]);
    }, 20_000);

    const page = await browser.context.newPage();
    // Not signed in: the login form (a 401), which takes the token once.
    const first = await page.goto(`${stack.service.url}/ui`);
    expect(first?.status()).toBe(401);
    await page.fill('input[name="token"]', stack.adminToken);

    // From here on nothing may fail: no refused request, no script error, no CSP violation.
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    });
    await Promise.all([page.waitForURL(`${stack.service.url}/ui`), page.click('button[type="submit"]')]);
    const cookie = (await browser.context.cookies()).find((c) => c.name === 'mk_admin');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Strict');

    // The list: the room with its status and a thumbnail that really loaded (the cookie reaches /v1).
    const card = page.locator('[data-room="web1"]');
    await expect.poll(() => card.locator('.status').textContent()).toBe('mixing');
    await expect
      .poll(() =>
        card.locator('img').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
      )
      .toBeGreaterThan(0);

    // People are counted, not the canvas; the filters are styled pills, the current one dark.
    await expect
      .poll(() => card.locator('.meta.muted span').first().textContent())
      .toBe('2 pushing · 2 in the mix');
    const current = page.locator('.filters a[aria-current="page"]');
    expect(
      await current.evaluate(
        (a) =>
          (
            globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }
          ).getComputedStyle(a).backgroundColor,
      ),
    ).toBe('rgb(17, 24, 39)');
    await expect
      .poll(() =>
        page
          .locator('[data-room="idle1"] img')
          .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
      )
      .toBeGreaterThan(0);

    await screenshot(page, 'rooms-list.png');

    await Promise.all([page.waitForURL(/\/ui\/rooms\/web1$/), card.locator('a').click()]);
    await expect
      .poll(() => page.locator('h2', { hasText: 'Streams pushing' }).textContent())
      .toBe('Streams pushing (2)');
    // The bad mix_layout: in the why and in the host's row, not only in the timeline.
    expect(await page.locator('#explain').textContent()).toContain(
      `host_a's push: mix_layout "mosaic" is not a preset; using pip`,
    );
    expect(await page.locator('tr[data-stream="host_a"]').textContent()).toContain(
      'mix_layout "mosaic" is not a preset',
    );
    expect(await page.locator('figcaption').allTextContents()).toEqual([
      'Desired: what should be mixed now',
      'Mix on air: what the platform last accepted',
    ]);
    expect(
      await page.locator('#streams tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.stream)),
    ).toEqual(['host_a', 'guest_b']);
    expect(await page.locator('#explain li').count()).toBeGreaterThan(0);
    expect(await page.locator('#timeline tbody tr').count()).toBeGreaterThan(0);

    // A join at the platform: the open page follows through server-sent events, no reload.
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => navigations.push(frame.url()));
    await stack.push('guest_c', { mix_room: 'web1' });
    await page.locator('tr[data-stream="guest_c"]').waitFor({ timeout: 10_000 });
    await expect
      .poll(() => page.locator('h2', { hasText: 'Streams pushing' }).textContent(), { timeout: 10_000 })
      .toBe('Streams pushing (3)');
    await expect
      .poll(() => page.locator('#timeline').textContent(), { timeout: 10_000 })
      .toMatch(/start web1_1: the layout changed/);
    await expect
      .poll(
        () =>
          page
            .locator('#applied')
            .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
        {
          timeout: 10_000,
        },
      )
      .toBeGreaterThan(0);
    expect(Number(await page.locator('#room').getAttribute('data-updates'))).toBeGreaterThan(0);
    expect(navigations).toEqual([]);
    expect(problems).toEqual([]);

    await screenshot(page, 'room-page.png', { fullPage: true });

    // A guest leaves: it keeps its tile through the grace, and the page says why and until when.
    await stack.stop('guest_c');
    await expect
      .poll(() => page.locator('tr[data-stream="guest_c"]').textContent(), { timeout: 10_000 })
      .toContain('leaving: back in the layout if it returns within 3 s');
    await expect
      .poll(() => page.locator('#timeline').textContent(), { timeout: 10_000 })
      .toContain('guest_c left: waits 3 s for a reconnect before re-laying out');
    expect(await page.locator('#explain').textContent()).toContain('guest_c left: it keeps its tile for 3 s');
    await screenshot(page, 'room-page-leaving.png', { fullPage: true });
    await page.locator('tr[data-stream="guest_c"]').waitFor({ state: 'detached', timeout: 15_000 });

    // An idle room: an empty stage, not a text box.
    await page.goto(`${stack.service.url}/ui/rooms/idle1`);
    await expect
      .poll(() =>
        page.locator('#desired').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
      )
      .toBeGreaterThan(0);
    const picture = await (
      await fetch(`${stack.service.url}/v1/rooms/idle1/layout.svg`, {
        headers: { authorization: `Bearer ${stack.adminToken}` },
      })
    ).text();
    expect(picture).toContain('data-empty-stage');
    await screenshot(page, 'idle-room.png', { fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });
});
