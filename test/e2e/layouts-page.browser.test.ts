import type { Page } from 'playwright-core';
import { afterAll, assert, beforeAll, describe, expect, test } from 'vitest';
import { type Chromium, launchChromium, screenshot } from '../support/browser.js';
import { expectNoViolations, type Stack, startStack } from '../support/stack.js';

/**
 * The layouts pages in Debian's Chromium (playwright-core, never a downloaded browser): every
 * template drawn at 1 … its slot count of people, and the editor whose preview redraws as the
 * JSON is typed, then saves through the API. Screenshots land in test-results/ for a human.
 */

let stack: Stack;
let browser: Chromium;

beforeAll(async () => {
  stack = await startStack();
  browser = await launchChromium({ viewport: { width: 1280, height: 900 } });
}, 30_000);

afterAll(async () => {
  await browser?.close();
  if (stack) {
    await expectNoViolations(stack);
    await stack.close();
  }
});

const stage = {
  description: 'host left, two guests right',
  canvas: { width: 1280, height: 720 },
  slots: [
    { name: 'host', rect: { x: 0, y: 0, width: 860, height: 720 }, takes: 'main' },
    { name: 'top', rect: { x: 860, y: 0, width: 420, height: 360 }, placeholder: { pictureId: 77 } },
    { name: 'bottom', rect: { x: 860, y: 360, width: 420, height: 360 }, placeholder: { color: '0x374151' } },
  ],
};

const naturalWidth = (page: Page, selector: string) =>
  page.locator(selector).evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth);

describe('the layouts pages in Chromium', () => {
  test('lists every template with its pictures, and the editor redraws as you type, then saves', async () => {
    const put = await fetch(`${stack.service.url}/v1/layouts/stage`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(stage),
    });
    expect(put.status).toBe(200);

    const page = await browser.context.newPage();
    await page.goto(`${stack.service.url}/ui/layouts`);
    await page.fill('input[name="token"]', stack.adminToken);
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    });
    await Promise.all([
      page.waitForURL(`${stack.service.url}/ui/layouts`),
      page.click('button[type="submit"]'),
    ]);

    // One picture per number of people, 1 to its 3 slots, each really drawn.
    const section = page.locator('[data-layout="stage"]');
    expect(await section.locator('img').count()).toBe(3);
    for (const n of [1, 2, 3]) {
      await expect
        .poll(() => naturalWidth(page, `[data-layout="stage"] img[src$="people=${n}"]`))
        .toBeGreaterThan(0);
    }
    await screenshot(page, 'layouts.png', { fullPage: true });

    await Promise.all([
      page.waitForURL(/\/ui\/layouts\/edit\?name=stage$/),
      section.locator('a', { hasText: 'edit' }).click(),
    ]);
    await expect.poll(() => page.locator('#layout-preview').getAttribute('data-draws')).toBe('1');
    await expect.poll(() => naturalWidth(page, '#layout-preview')).toBeGreaterThan(0);
    const before = await page.locator('#layout-preview').getAttribute('src');

    // Typing a change redraws the preview: a logo overlay appears in the picture's query.
    const edited = { ...stage, overlays: [{ pictureId: 9, rect: { x: 20, y: 20, width: 120, height: 60 } }] };
    await page.fill('#layout-json', JSON.stringify(edited, null, 2));
    await expect.poll(() => page.locator('#layout-preview').getAttribute('data-draws')).toBe('2');
    const after = await page.locator('#layout-preview').getAttribute('src');
    expect(after).not.toBe(before);
    expect(decodeURIComponent(after ?? '')).toContain('"overlays"');
    await expect.poll(() => naturalWidth(page, '#layout-preview')).toBeGreaterThan(0);
    const svg = await (await browser.context.request.get(`${stack.service.url}${after}`)).text();
    expect(svg).toContain('mk_overlay0');

    // Half-typed JSON says so and keeps the last picture.
    await page.fill('#layout-json', '{"canvas": ');
    await expect.poll(() => page.locator('#layout-status').textContent()).toMatch(/^not JSON yet/);

    await page.fill('#layout-json', JSON.stringify(edited, null, 2));
    // The redraw comes a moment after typing: wait for it, so the count below is settled.
    await expect.poll(() => page.locator('#layout-preview').getAttribute('data-draws')).toBe('3');
    await page.click('#layout-save');
    await expect.poll(() => page.locator('#layout-status').textContent()).toBe('saved stage');
    const stored = (await (
      await fetch(`${stack.service.url}/v1/layouts/stage`, {
        headers: { authorization: `Bearer ${stack.adminToken}` },
      })
    ).json()) as { template: { overlays?: unknown[] } };
    expect(stored.template.overlays).toHaveLength(1);

    // Dragging a slot's box moves it, its corner resizes it; the JSON and the preview follow.
    const draws = Number(await page.locator('#layout-preview').getAttribute('data-draws'));
    const box = page.locator('#layout-arrange .handle[data-slot="0"]');
    const at = await box.boundingBox();
    assert(at, 'the host slot has a box');
    await page.mouse.move(at.x + at.width / 2, at.y + at.height / 2);
    await page.mouse.down();
    await page.mouse.move(at.x + at.width / 2 + at.width / 4, at.y + at.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect
      .poll(() => page.locator('#layout-preview').getAttribute('data-draws'))
      .toBe(String(draws + 1));
    const dragged = JSON.parse(await page.locator('#layout-json').inputValue()) as typeof stage;
    // A quarter of the slot's width to the right, kept on the canvas: about 215 of its 860 px.
    expect(dragged.slots[0]?.rect.x).toBeGreaterThan(150);
    expect(dragged.slots[0]?.rect.x).toBeLessThan(280);
    expect(dragged.slots[0]?.rect.width).toBe(860);
    const grip = page.locator('#layout-arrange .handle[data-slot="1"] .grip');
    const corner = await grip.boundingBox();
    assert(corner, 'the top slot has a corner');
    await page.mouse.move(corner.x + 4, corner.y + 4);
    await page.mouse.down();
    await page.mouse.move(corner.x + 4, corner.y + 4 - 40, { steps: 5 });
    await page.mouse.up();
    await expect
      .poll(() => page.locator('#layout-preview').getAttribute('data-draws'))
      .toBe(String(draws + 2));
    const resized = JSON.parse(await page.locator('#layout-json').inputValue()) as typeof stage;
    expect(resized.slots[1]?.rect.height).toBeLessThan(360);
    expect(resized.slots[1]?.rect.width).toBe(420);

    await screenshot(page, 'layout-editor.png', { fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });
});
