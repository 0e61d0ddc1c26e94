// The HTML report in a real headless Chromium (Debian chromium + playwright-core): no console error, no network
// request, the first screen answers what happened, to whom, why and what to do (desktop and a 390 px phone, no
// sideways scroll on any sample), citations are grouped by source and a click scrolls the lines into view, a cited
// commit shows its diff, key moments embed their lines, the timeline renders and its brush filters the findings,
// and the <script> planted in a sample's user agent does not run. Screenshots are kept as test artifacts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { fromRoot } from '../lib/paths.js';
import { BUNDLES, SAMPLES, runCli, tempDir } from './helpers.js';
import { MAX_HTML_BYTES } from '../reports/html.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = fromRoot('test', 'artifacts');

let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
const requests: string[] = [];
const html: Record<string, string> = {};

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: .ci/run installs Debian's chromium (apt-get install chromium)`);
  for (const b of BUNDLES) {
    const out = tempDir();
    const r = runCli(['analyze', join(SAMPLES, b), '--out', out, '--reports', 'html', '-q']);
    expect([0, 2], r.stderr).toContain(r.code);
    html[b] = join(out, 'report.html');
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.on('request', (req) => { if (!Object.values(html).some((h) => req.url() === pathToFileURL(h).href)) requests.push(req.url()); });
  await open(page, 'proxy-release-1006');
}, 240_000);

afterAll(async () => {
  await browser?.close();
});

async function open(p: Page, bundle: string): Promise<void> {
  await p.goto(pathToFileURL(html[bundle]).href);
  await p.waitForSelector('html[data-rendered="true"]');
}

/** The bottom of an element, relative to the top of the page (the first screen is the viewport's height). */
async function bottom(p: Page, selector: string): Promise<number> {
  return p.locator(selector).first().evaluate((e) => e.getBoundingClientRect().bottom + window.scrollY);
}

describe('report.html in headless Chromium', () => {
  it('renders with no console error and no network request, and stays under its size bound', async () => {
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
    for (const b of BUNDLES) {
      expect(readFileSync(html[b], 'utf8')).not.toMatch(/(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
      expect(statSync(html[b]).size).toBeLessThanOrEqual(MAX_HTML_BYTES);
    }
  });

  it('the first screen holds the headline, the impact and what to do, on a desktop and on a 390 px phone', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const [width, height] of [[1400, 900], [390, 844]]) {
      const p = await browser.newPage({ viewport: { width, height } });
      await open(p, 'proxy-release-1006');
      expect(await p.locator('#verdict .headline').textContent()).toMatch(/^WebSockets through nginx were cut every 20 s for 1 h 27 min after commit 2beecaf/);
      expect(await p.locator('#verdict .impact .stat').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^10clients$/), expect.stringMatching(/^2082sessions failed$/)]));
      expect(await p.locator('#verdict ol.todo li').first().textContent()).toContain('proxy_read_timeout');
      for (const s of ['#verdict .headline', '#verdict .impact', '#verdict ol.todo']) expect(await bottom(p, s), `${s} at ${width} px`).toBeLessThanOrEqual(height);
      await p.screenshot({ path: join(ARTIFACTS, `report-proxy-release-${width}.png`), fullPage: false });
      await p.close();
    }
    expect(existsSync(join(ARTIFACTS, 'report-proxy-release-390.png'))).toBe(true);
  });

  it('has no sideways scroll at 390 px on any sample', async () => {
    const p = await browser.newPage({ viewport: { width: 390, height: 844 } });
    for (const b of BUNDLES) {
      await open(p, b);
      const { scroll, client } = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      expect(scroll, b).toBeLessThanOrEqual(client);
      // the coverage table shows short labels, not paths broken one character per line
      const cell = await p.locator('#coverage td.mono').first().boundingBox();
      expect(cell!.height, b).toBeLessThan(80);
      await p.screenshot({ path: join(ARTIFACTS, `report-${b}-390-full.png`), fullPage: true });
    }
    await p.close();
  });

  it('groups citations by source with line ranges and short labels', async () => {
    const chips = await page.locator('#why button.cite').allTextContents();
    // the trigger's and the fix's reload lines in one chip; the cut sessions' lines as ranges
    expect(chips, JSON.stringify(chips)).toContain('nginx/error.log:10, 2092 (2)');
    expect(chips.some((c) => /^nginx\/access\.log:\d+–\d+(, \d+(–\d+)?)* \(8\)$/.test(c)), JSON.stringify(chips)).toBe(true);
    expect(chips.some((c) => /commit 2beecaf/.test(c))).toBe(true);
    expect((await page.locator('button.cite').allTextContents()).some((c) => /[0-9a-f]{64}/.test(c))).toBe(false);
  });

  it('a click shows the lines right under the citation, scrolled into view; a commit shows its diff', async () => {
    const last = page.locator('#findings .finding button.cite').last();
    await last.scrollIntoViewIfNeeded();
    await last.click();
    const raw = page.locator('#raw');
    expect(await raw.isVisible()).toBe(true);
    const box = (await raw.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeLessThan(900);
    expect(await page.evaluate(() => document.getElementById('raw')!.previousElementSibling!.querySelector('button.cite') !== null)).toBe(true);
    await page.locator('#why button.cite', { hasText: 'commit 2beecaf' }).click();
    const diff = await page.locator('#raw-lines').textContent();
    expect(diff).toContain('Author: Sam Rivera');
    expect(diff).toContain('proxy_read_timeout: 3600s → 20s');
    expect(diff).toContain('M nginx/nginx.conf  +2 −2');
  });

  it('embeds the line of every key moment', async () => {
    const moments = await page.locator('#moments li').count();
    expect(moments).toBeGreaterThan(8);
    const withLine = await page.locator('#moments li:has(code.line)').count();
    expect(moments - withLine).toBeLessThanOrEqual(1);
    expect(await page.locator('#moments li', { hasText: 'first failure' }).locator('code.line').textContent()).toContain('" 101 ');
  });

  it('draws the multi-lane timeline, opens around the lead finding and switches to the whole case', async () => {
    expect(await page.locator('#tl rect.bucket').count()).toBeGreaterThan(20);
    expect(await page.locator('#tl line.point').count()).toBeGreaterThan(3);
    expect(await page.locator('#tl text').allTextContents()).toContain('WebSocket closes by code');
    expect(await page.locator('#view-switch button').first().textContent()).toBe('Around the lead finding ✓');
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

  it('reaches the raw evidence lines from the lead and from a timeline bucket, shown as text', async () => {
    // the lead's citations run cause (the commit), trigger (the reload's line), fix, symptoms
    await page.locator('#why button.cite', { hasText: 'error.log:10' }).first().click();
    const raw = await page.locator('#raw-lines').textContent();
    expect(raw).toContain('error.log:10');
    expect(raw).toContain('SIGHUP');
    await page.locator('#tl rect.bucket[data-lane="proxy"]').nth(5).dispatchEvent('click');
    expect(await page.locator('#raw-lines').textContent()).toMatch(/access\.log(\.\d)?(\.gz)?:\d+/);
  });

  it('shows the <script> planted in a user agent as text and never runs it', async () => {
    await page.locator('#why button.cite', { hasText: 'access.log:' }).click();
    expect(await page.locator('#raw-lines').textContent()).toContain('<script>window.__clawtrail_pwned');
    expect(await page.evaluate(() => (window as unknown as { __clawtrail_pwned?: number }).__clawtrail_pwned)).toBeUndefined();
    expect(await page.title()).not.toBe('pwned');
    expect(await page.locator('script').count()).toBe(2);
  });
});
