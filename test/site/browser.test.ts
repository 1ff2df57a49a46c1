/**
 * The web catalogue in a real browser: headless Chromium opens the committed site of this
 * repository's catalogue and the site of a 2,000-event synthetic one from file://, searches,
 * reads an event's tree, example and version history, follows every link, listens for console
 * errors, runs axe-core in the light and the dark theme, and takes screenshots at desktop and
 * phone widths (kept in test/.artifacts/site/ to look at, not compared).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeCatalogue } from '../bench/synthesize.ts';
import { runCli } from '../support/cli.ts';
import { ROOT, scratchDirectory } from '../support/generate-fixture.ts';
import { brokenLinks, chromiumInstalled, launchChromium, readSite } from '../support/site.ts';

const SEED_SITE = join(ROOT, 'generated', 'site');
const ARTIFACTS = join(ROOT, 'test', '.artifacts', 'site');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

/** The little of the page's globals the functions run in the browser use (the tests' tsconfig has no DOM library). */
interface PageDocument {
  readonly compatMode: string;
  readonly activeElement: { readonly id: string } | null;
  readonly documentElement: { readonly scrollWidth: number };
  readonly body: object;
  readonly baseURI: string;
  querySelector(selector: string): { readonly textContent: string | null } | null;
}
interface Axe {
  run(context: PageDocument, options: object): Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] }>;
}
declare const document: PageDocument;
declare const window: { readonly innerWidth: number; readonly axe: Axe };
declare const navigator: { readonly clipboard: { readText(): Promise<string> } };
declare function getComputedStyle(element: object): { readonly backgroundColor: string };

const urlOf = (dir: string, path: string): string => pathToFileURL(join(dir, path)).href;

interface Watched {
  readonly page: Page;
  /** Console errors and uncaught exceptions, with the page they happened on. */
  readonly errors: string[];
}

async function watchedPage(context: BrowserContext): Promise<Watched> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
  page.on('requestfailed', (request) => errors.push(`${page.url()}: could not load ${request.url()}`));
  return { page, errors };
}

/** axe-core's serious and critical findings on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const { axe } = window;
    // No preload: axe would fetch the style sheets again, which file:// refuses; it reads the live styles.
    const result = await axe.run(document, { resultTypes: ['violations'], preload: false });
    return result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, targets: violation.nodes.slice(0, 3).map((node) => JSON.stringify(node.target)) }));
  });
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => `${violation.id} (${violation.impact}) at ${violation.targets.join(', ')}`);
}

describe.runIf(chromiumInstalled() || process.env['CI_REQUIRE_BROWSER'] === '1')('the web catalogue in Chromium', () => {
  let browser: Browser;
  let context: BrowserContext;
  let synthetic: string;
  let scratch: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    scratch = scratchDirectory('site-browser');
    writeFileSync(join(scratch, 'catalog.yaml'), synthesizeCatalogue(2000, { services: true, site: true }));
    const generated = runCli(scratch, ['generate']);
    expect(generated.status, generated.stderr).toBe(0);
    synthetic = join(scratch, 'generated', 'site');
    browser = await launchChromium();
    context = await browser.newContext({ viewport: DESKTOP });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  });

  it('opens the home from file:// in standards mode, with every domain, the services and a search box; no console errors', async () => {
    const { page, errors } = await watchedPage(context);
    await page.goto(urlOf(SEED_SITE, 'index.html'));
    expect(await page.evaluate(() => document.compatMode)).toBe('CSS1Compat');
    expect(await page.title()).toBe('Events · Agent platform events');
    expect(await page.locator('section.domain h2 a').allTextContents()).toEqual(['plan', 'decision', 'task', 'agent', 'tool', 'session', 'memory', 'system']);
    expect(await page.locator('ul.events a[href^="events/"]').count()).toBe(38);
    expect(await page.locator('#services tbody tr').count()).toBe(7);
    await expect(page.locator('#search').getAttribute('role')).resolves.toBe('combobox');
    await page.screenshot({ path: join(ARTIFACTS, 'home-desktop.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('finds an event by a field name, moves through the results with the keyboard and opens the field', async () => {
    const { page, errors } = await watchedPage(context);
    await page.goto(urlOf(SEED_SITE, 'index.html'));
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('search');
    await page.keyboard.type('inReplyTo');
    // The results follow each keystroke: wait for those of the whole word.
    await page.waitForFunction(() => document.querySelector('#search-results [role="option"] a')?.textContent === 'session.message_sent');
    const first = page.locator('#search-results [role="option"]').first();
    expect(await first.locator('.hint').textContent()).toContain('field inReplyTo · An agent replied');
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('#search').getAttribute('aria-activedescendant')).toBe('result-0');
    expect(await first.getAttribute('aria-selected')).toBe('true');
    await Promise.all([page.waitForURL(/session\.message_sent\.html#field-inReplyTo$/), page.keyboard.press('Enter')]);
    expect(await page.locator('#field-inReplyTo').isVisible()).toBe(true);
    // A field of a shared type and a service are found too; Escape empties the box.
    await page.fill('#search', 'retryable');
    await page.locator('#search-results [role="option"] a', { hasText: 'ErrorInfo' }).waitFor();
    await page.fill('#search', 'notifier');
    await page.locator('#search-results [role="option"] a', { hasText: 'notifier' }).first().waitFor();
    await page.keyboard.press('Escape');
    expect(await page.locator('#search-results').isHidden()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows session.message_sent's tree, its example and its history v1 → v2 → v3 with the upcast", async () => {
    const { page, errors } = await watchedPage(context);
    await page.goto(urlOf(SEED_SITE, 'events/session.message_sent.html'));
    const field = (id: string) => page.locator(`#payload [id="${id}"] > .field`);
    expect(await field('field-content').textContent()).toMatch(/content string required sensitive 1–100000 characters/);
    expect(await field('field-sessionId').locator('a[href="../types/Ulid.html"]').count()).toBe(1);
    expect(await field('field-tokens').textContent()).toMatch(/tokens integer optional ≥ 0/);
    expect(JSON.parse((await page.locator('#example-1').textContent()) ?? '')).toMatchObject({ content: 'Scheduled for 02:00 UTC; I will report when it is done.', tokens: 42 });
    const steps = page.locator('#history .step');
    expect(await steps.locator('h3').allTextContents()).toEqual(['Version 2 → 3 breaking', 'Version 1 → 2 compatible']);
    const latest = steps.nth(0);
    expect(await latest.textContent()).toContain('Upcast to version 3: text renamed to content');
    expect(await latest.locator('.changes li').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^added breaking required field content added/), expect.stringMatching(/^removed breaking field text removed/)]),
    );
    // A removed field links into the older version's fields: the browser opens them to show it.
    expect(await page.locator('[id="v2-field-text"]').isVisible()).toBe(false);
    await latest.locator('.changes li.removed a').click();
    expect(page.url()).toMatch(/#v2-field-text$/);
    expect(await page.locator('[id="v2-field-text"]').isVisible()).toBe(true);
    expect(await steps.nth(1).locator('.changes li').allTextContents()).toEqual([expect.stringMatching(/^added optional field inReplyTo added/)]);
    expect(await page.locator('#flow svg a').evaluateAll((links) => links.map((link) => link.getAttribute('href')))).toEqual(['../services/session-gateway.html', '../events/session.message_sent.html', '../services/audit-projection.html', '../services/notifier.html']);
    expect(await page.locator('#imports').textContent()).toContain('emitSessionMessageSent');
    await page.screenshot({ path: join(ARTIFACTS, 'event-desktop.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('follows every link of every page of the site: each one lands on a page and an element', async () => {
    const site = readSite(SEED_SITE);
    expect(brokenLinks(site)).toEqual([]);
    const { page, errors } = await watchedPage(context);
    const pages = [...site.keys()].filter((path) => path.endsWith('.html'));
    expect(pages.length).toBe(1 + 1 + 38 + 6 + 7 + 8);
    let followed = 0;
    const written = pages.reduce((sum, path) => sum + [...(site.get(path) ?? '').matchAll(/<a [^>]*href="/g)].length, 0);
    for (const path of pages) {
      await page.goto(urlOf(SEED_SITE, path));
      // The browser's own view of each link: where it points once resolved, and whether that place exists.
      const links = await page.locator('a[href]').evaluateAll((anchors) => anchors.map((anchor) => new URL(anchor.getAttribute('href') ?? '', document.baseURI).href));
      for (const href of links) {
        const target = new URL(href);
        if (target.protocol === 'data:') continue;
        expect(target.protocol, `${path}: ${href}`).toBe('file:');
        const file = decodeURIComponent(target.pathname).slice(SEED_SITE.length + 1);
        expect(site.has(file), `${path}: ${href}`).toBe(true);
        if (target.hash !== '') expect(site.get(file), `${path}: ${href}`).toContain(`id="${decodeURIComponent(target.hash.slice(1))}"`);
        followed++;
      }
    }
    // The browser sees every link the files hold.
    expect(followed).toBe(written);
    expect(followed).toBeGreaterThan(1500);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('has no serious accessibility violation (axe-core) on any kind of page, in the light and the dark theme', async () => {
    const pages = ['index.html', 'events/session.message_sent.html', 'events/plan.created.html', 'types/Actor.html', 'services/notifier.html', 'domains/plan.html', 'graph.html'];
    for (const colorScheme of ['light', 'dark'] as const) {
      const themed = await browser.newContext({ viewport: DESKTOP, colorScheme });
      const { page, errors } = await watchedPage(themed);
      for (const path of pages) {
        await page.goto(urlOf(SEED_SITE, path));
        expect(await seriousViolations(page), `${colorScheme}: ${path}`).toEqual([]);
      }
      expect(errors).toEqual([]);
      await themed.close();
    }
  }, 120_000);

  it('follows the system theme and fits a phone: nothing wider than the screen', async () => {
    const backgrounds: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      const phone = await browser.newContext({ viewport: PHONE, colorScheme, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
      const { page, errors } = await watchedPage(phone);
      for (const [name, path] of [['home', 'index.html'], ['event', 'events/session.message_sent.html'], ['graph', 'graph.html']] as const) {
        await page.goto(urlOf(SEED_SITE, path));
        const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
        expect(scrollWidth, `${colorScheme} ${path}`).toBeLessThanOrEqual(innerWidth);
        await page.screenshot({ path: join(ARTIFACTS, `${name}-phone-${colorScheme}.png`), fullPage: name !== 'graph' });
      }
      backgrounds.push(await page.evaluate(() => getComputedStyle(document.body).backgroundColor));
      expect(errors).toEqual([]);
      await phone.close();
    }
    expect(backgrounds).toEqual(['rgb(255, 255, 255)', 'rgb(13, 17, 23)']);
  }, 60_000);

  it('works from a static host as it does from file://: search, deep links, and copy buttons that fill the clipboard', async () => {
    const site = readSite(SEED_SITE);
    const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript' };
    // Any static host: files by path, nothing else (no rewrites, no index fallback).
    const server = createServer((request, response) => {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname).slice(1) || 'index.html';
      const text = site.get(path);
      if (text === undefined) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(text);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const hosted = await browser.newContext({ viewport: DESKTOP });
    await hosted.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: `http://127.0.0.1:${port}` });
    try {
      const { page, errors } = await watchedPage(hosted);
      await page.goto(`http://127.0.0.1:${port}/index.html`);
      await page.fill('#search', 'retryable');
      await page.locator('#search-results [role="option"] a', { hasText: 'ErrorInfo' }).waitFor();
      await Promise.all([page.waitForURL(/\/types\/ErrorInfo\.html#field-retryable$/), page.keyboard.press('Enter')]);
      await page.goto(`http://127.0.0.1:${port}/events/plan.created.html`);
      await page.locator('#use button.copy').click();
      // The label changes once the clipboard's promise settles, and back 1.5 s later.
      await page.locator('#use button.copy', { hasText: 'Copied' }).waitFor();
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect(copied).toBe(await page.locator('#imports').textContent());
      expect(copied).toMatch(/^import \{\n  emitPlanCreated,\n  isPlanCreatedPayload,\n  PlanCreatedPayloadSchema,\n\} from '\.\/generated\/index\.js';\nimport type \{ PlanCreatedPayload \} from/);
      expect(errors).toEqual([]);
    } finally {
      await hosted.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('works at 2,000 events: the home, search by a field name, an event with history, the overview by domain; every link resolves', async () => {
    const site = readSite(synthetic);
    expect(site.size).toBe(2050);
    expect(brokenLinks(site)).toEqual([]);
    const { page, errors } = await watchedPage(context);
    await page.goto(urlOf(synthetic, 'index.html'));
    expect(await page.locator('ul.events a[href^="events/"]').count()).toBe(2000);
    await page.fill('#search', 'name3 d7.e745');
    await expect(page.locator('#search-results [role="option"] a').first().textContent()).resolves.toBe('d7.e745_cancelled');
    await Promise.all([page.waitForURL(/d7\.e745_cancelled\.html#field-name3$/), page.keyboard.press('Enter')]);
    await page.goto(urlOf(synthetic, 'events/d7.e725_cancelled.html'));
    expect(await page.locator('#history .step h3').allTextContents()).toEqual(['Version 1 → 2 breaking']);
    expect(await page.locator('#history').textContent()).toContain('Upcast to version 2: field label renamed to name4');
    await page.goto(urlOf(synthetic, 'graph.html'));
    expect(await page.locator('svg.graph a.node.domain').count()).toBe(20);
    await page.goto(urlOf(synthetic, 'services/projection.html'));
    expect(await page.locator('svg.graph a.node.event').count()).toBe(2000);
    expect(errors).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'synthetic-graph.png') });
    await page.close();
  }, 120_000);
});

// CI must run the browser tests, not skip them: `.ci/run` installs Chromium and says so.
describe('the browser tests', () => {
  it.runIf(process.env['CI_REQUIRE_BROWSER'] === '1')('have a Chromium to run in where CI requires one', () => {
    expect(chromiumInstalled(), 'CI_REQUIRE_BROWSER=1 but no Chromium at CHROMIUM_PATH or /usr/bin/chromium').toBe(true);
  });
});
