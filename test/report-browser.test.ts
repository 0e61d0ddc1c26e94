// The HTML report in a real headless Chromium (Debian chromium + playwright-core): no console error, no network
// request, the timeline renders, the brush filters the findings, a click reaches the raw lines, and the <script>
// planted in a sample's user agent does not run. A screenshot is kept as a test artifact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { fromRoot } from '../lib/paths.js';
import { SAMPLES, runCli, tempDir } from './helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = fromRoot('test', 'artifacts');

let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
const requests: string[] = [];
let html = '';

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: .ci/run installs Debian's chromium (apt-get install chromium)`);
  const out = tempDir();
  const r = runCli(['analyze', join(SAMPLES, 'proxy-release-1006'), '--out', out, '-q']);
  expect(r.code, r.stderr).toBe(2);
  html = join(out, 'report.html');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1800 } });
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on('request', (req) => { if (req.url() !== pathToFileURL(html).href) requests.push(req.url()); });
  await page.goto(pathToFileURL(html).href);
  await page.waitForSelector('html[data-rendered="true"]');
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

describe('report.html in headless Chromium', () => {
  it('renders with no console error and no network request', async () => {
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
    expect(readFileSync(html, 'utf8')).not.toMatch(/(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
  });

  it('draws the multi-lane timeline', async () => {
    expect(await page.locator('#tl rect.bucket').count()).toBeGreaterThan(20);
    expect(await page.locator('#tl line.point').count()).toBeGreaterThan(3);
    expect(await page.locator('#tl text').allTextContents()).toContain('WebSocket closes by code');
    expect(await page.locator('.headline').textContent()).toContain('proxy_read_timeout 3600s → 20s');
  });

  it('opens around the top finding and switches to the whole case', async () => {
    expect(await page.locator('#view-switch button').first().textContent()).toBe('Around the top finding ✓');
    await page.locator('#view-switch button[data-view="whole"]').click();
    expect(await page.locator('#view-switch button[data-view="whole"]').textContent()).toBe('Whole case ✓');
    expect(await page.locator('#tl rect.bucket').count()).toBeGreaterThan(20);
  });

  it('filters the findings with the brush and clears it on double-click', async () => {
    const all = await page.locator('#findings .finding').count();
    const box = (await page.locator('#tl').boundingBox())!;
    // a slice at the very start of the evidence, before the incident
    await page.mouse.move(box.x + box.width * 0.16, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.5, { steps: 5 });
    await page.mouse.up();
    const visible = Number(await page.locator('#findings').getAttribute('data-visible'));
    expect(visible).toBeLessThan(all);
    expect(await page.locator('#brush-info').textContent()).toContain('Selected');
    await page.locator('#tl').dblclick({ position: { x: 5, y: 5 } });
    expect(Number(await page.locator('#findings').getAttribute('data-visible'))).toBe(all);
  });

  it('reaches the raw evidence lines from a finding and from a timeline bucket, shown as text', async () => {
    await page.locator('#findings .finding').first().locator('button.cite', { hasText: 'error.log:' }).first().click();
    const raw = await page.locator('#raw-lines').textContent();
    expect(raw).toContain('error.log:');
    expect(raw).toContain('SIGHUP');
    await page.locator('#tl rect.bucket[data-lane="proxy"]').nth(5).dispatchEvent('click');
    expect(await page.locator('#raw-lines').textContent()).toMatch(/access\.log(\.\d)?(\.gz)?:\d+/);
  });

  it('shows the <script> planted in a user agent as text and never runs it', async () => {
    const btn = page.locator('button.cite', { hasText: 'access.log:' }).first();
    await btn.click();
    const pre = page.locator('#raw-lines');
    // click through the burst evidence until the attacker's line is shown
    const cites = page.locator('#verdict button.cite');
    let found = false;
    for (let i = 0; i < (await cites.count()) && !found; i++) {
      await cites.nth(i).click();
      found = ((await pre.textContent()) ?? '').includes('<script>window.__clawtrail_pwned');
    }
    expect(found).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { __clawtrail_pwned?: number }).__clawtrail_pwned)).toBeUndefined();
    expect(await page.title()).not.toBe('pwned');
    expect(await page.locator('script').count()).toBe(2);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report-proxy-release.png'), fullPage: false });
    expect(existsSync(join(ARTIFACTS, 'report-proxy-release.png'))).toBe(true);
  });
});
