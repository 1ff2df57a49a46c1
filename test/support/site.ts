/**
 * The generated web catalogue as a reader meets it: its files on disk, the links between them,
 * and headless Chromium (Debian's package, driven by playwright-core) opening it from file://.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Every file of a site: path (`/`-separated, from the site's root) → text. */
export function readSite(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = posix.join(...join(entry.parentPath, entry.name).slice(dir.length + 1).split(/[\\/]/));
    files.set(path, readFileSync(join(entry.parentPath, entry.name), 'utf8'));
  }
  return files;
}

const decode = (value: string): string => value.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');

/** The ids a page defines: the places a link's `#fragment` may name. */
export function idsOf(html: string): Set<string> {
  return new Set([...html.matchAll(/\sid="([^"]*)"/g)].map((match) => decode(match[1] ?? '')));
}

/**
 * Every `href` and `src` of every page that does not resolve: a file missing from the site, or a
 * fragment no element of the target page has. Links off the site count too: it must need no network.
 */
export function brokenLinks(site: ReadonlyMap<string, string>): string[] {
  const ids = new Map<string, Set<string>>();
  const idsFor = (path: string): Set<string> => {
    let known = ids.get(path);
    if (known === undefined) {
      known = idsOf(site.get(path) ?? '');
      ids.set(path, known);
    }
    return known;
  };
  const broken: string[] = [];
  for (const [page, html] of site) {
    if (!page.endsWith('.html')) continue;
    for (const match of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
      const link = decode(match[1] ?? '');
      // A data: URL is part of the page (the empty icon that spares a host's 404 for /favicon.ico).
      if (link.startsWith('data:')) continue;
      if (/^[a-z][a-z0-9+.-]*:/i.test(link) || link.startsWith('//')) {
        broken.push(`${page}: ${link} (off the site)`);
        continue;
      }
      const [path = '', fragment] = link.split('#', 2);
      const target = path === '' ? page : posix.normalize(posix.join(posix.dirname(page), path));
      if (!site.has(target)) broken.push(`${page}: ${link} (no such file)`);
      else if (fragment !== undefined && fragment !== '' && !idsFor(target).has(decodeURIComponent(fragment))) broken.push(`${page}: ${link} (no such anchor)`);
    }
  }
  return broken;
}

/** Debian's Chromium, where the machine has it (`.ci/run` installs it), or `CHROMIUM_PATH`. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export function chromiumInstalled(): boolean {
  return existsSync(CHROMIUM);
}

/**
 * Headless Chromium as root on a machine with no network: no sandbox (root), and none of the
 * background connections it would otherwise try and be refused.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}
