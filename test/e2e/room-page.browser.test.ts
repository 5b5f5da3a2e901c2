import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { expectNoViolations, type Stack, startStack } from '../support/stack.js';

/**
 * The room pages in a real browser: Debian's Chromium (never a downloaded one) driven by
 * playwright-core logs in with the token, opens a room and watches it change after a join,
 * through the server-sent events alone. The screenshot lands in test-results/ for a human.
 */

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT_DIR = join(process.cwd(), 'test-results');

let stack: Stack;
let context: BrowserContext;
let profile: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  }
  stack = await startStack();
  profile = await mkdtemp(join(tmpdir(), 'mk-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
  });
}, 30_000);

afterAll(async () => {
  await context?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
  if (stack) {
    await expectNoViolations(stack);
    await stack.close();
  }
});

describe('the room page in Chromium', () => {
  test('logs in, opens a room, and sees it change after a simulated join', async () => {
    await stack.push('host_a', { mix_room: 'web1', mix_role: 'main' });
    await stack.push('guest_b', { mix_room: 'web1' });
    await stack.until(async () => expect((await stack.room('web1'))?.status).toBe('mixing'));

    const page = await context.newPage();
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
    const cookie = (await context.cookies()).find((c) => c.name === 'mk_admin');
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

    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'rooms-list.png') });

    await Promise.all([page.waitForURL(/\/ui\/rooms\/web1$/), card.locator('a').click()]);
    await expect.poll(() => page.locator('h2', { hasText: 'On air' }).textContent()).toBe('On air (2)');
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
      .poll(() => page.locator('h2', { hasText: 'On air' }).textContent(), { timeout: 10_000 })
      .toBe('On air (3)');
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

    await page.screenshot({ path: join(SCREENSHOT_DIR, 'room-page.png'), fullPage: true });
    await page.close();
  });
});
