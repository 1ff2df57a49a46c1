/**
 * `npm run bench:site`: what the web catalogue adds to `generate`, side by side in one run with
 * rounds alternated (the same catalogue with services, with and without `outputs.site`), at
 * growing sizes; the site's size and its search data's (raw and gzip); and, where Chromium is
 * installed, how long the reader's browser takes to index the search data and answer a query.
 * A benchmark, not a test: it prints figures and asserts nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromiumInstalled, launchChromium, readSite } from '../support/site.ts';
import { synthesizeCatalogue } from './synthesize.ts';

/** The page's document, as far as the function run in the browser uses it (no DOM library here). */
declare const document: { querySelector(selector: string): { readonly textContent: string | null } | null };

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORK = join(ROOT, '.bench', 'site');
const SIZES = (process.env['BENCH_SIZES'] ?? '500,2000,5000').split(',').map(Number);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const CLI = join(ROOT, 'codegen', 'dist', 'cli', 'bin.js');

function generate(dir: string): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, [CLI, 'generate'], { cwd: dir, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`generate failed in ${dir}: ${run.stdout}${run.stderr}`);
  return performance.now() - started;
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const kb = (bytes: number): string => `${Math.round(bytes / 1024)}`;
const row = (cells: readonly (string | number)[]): string => `| ${cells.join(' | ')} |`;

const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
if (built.status !== 0) throw new Error(`npm run build failed: ${built.stdout}${built.stderr}`);

console.log(`# eventspec web catalogue benchmark (${new Date().toISOString().slice(0, 10)}, ${process.version}, ${ROUNDS} rounds alternated)\n`);
console.log(row(['events', 'generate without site s', 'with site s', 'ratio', 'one event edited: without / with s (ratio)', 'site ms per event', 'site files', 'site MB', 'search data KB', 'gzip KB', 'largest page KB']));
console.log(row(Array(11).fill('---')));
const sites = new Map<number, string>();
for (const size of SIZES) {
  const dirs = { without: join(WORK, `${size}-without`), with: join(WORK, `${size}-with`) };
  for (const [kind, dir] of Object.entries(dirs)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'catalog.yaml'), synthesizeCatalogue(size, { services: true, site: kind === 'with' }));
  }
  const times = { without: [] as number[], with: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    // Alternated, and the output removed each time: every round writes the whole tree.
    const order: readonly ('without' | 'with')[] = round % 2 === 0 ? ['without', 'with'] : ['with', 'without'];
    for (const kind of order) {
      rmSync(join(dirs[kind], 'generated'), { recursive: true, force: true });
      times[kind].push(generate(dirs[kind]));
    }
  }
  // The everyday case: the output is there and one event's description changed.
  const edits = { without: [] as number[], with: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    const order: readonly ('without' | 'with')[] = round % 2 === 0 ? ['without', 'with'] : ['with', 'without'];
    for (const kind of order) {
      const file = join(dirs[kind], 'catalog.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/Synthetic event 7\.( \(edit \d+\))?/, `Synthetic event 7. (edit ${round})`));
      edits[kind].push(generate(dirs[kind]));
    }
  }
  const site = readSite(join(dirs.with, 'generated', 'site'));
  const bytes = [...site.values()].reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  const search = site.get('assets/search-data.js') ?? '';
  const largest = Math.max(...[...site].filter(([path]) => path.endsWith('.html')).map(([, text]) => Buffer.byteLength(text)));
  const without = median(times.without);
  const withSite = median(times.with);
  const editWithout = median(edits.without);
  const editWith = median(edits.with);
  console.log(row([size, (without / 1000).toFixed(2), (withSite / 1000).toFixed(2), (withSite / without).toFixed(2), `${(editWithout / 1000).toFixed(2)} / ${(editWith / 1000).toFixed(2)} (${(editWith / editWithout).toFixed(2)})`, ((withSite - without) / size).toFixed(3), site.size, (bytes / 1048576).toFixed(1), kb(Buffer.byteLength(search)), kb(gzipSync(search).length), kb(largest)]));
  sites.set(size, join(dirs.with, 'generated', 'site'));
}

if (chromiumInstalled()) {
  console.log('\nIn headless Chromium, from file://: loading MiniSearch and the search data, indexing it, and the first answer (median of 3 page loads):\n');
  console.log(row(['events', 'first query answered ms', 'next query ms']));
  console.log(row(['---', '---', '---']));
  const browser = await launchChromium();
  const page = await browser.newPage();
  for (const [size, dir] of sites) {
    const first: number[] = [];
    const next: number[] = [];
    for (let round = 0; round < 3; round++) {
      await page.goto(pathToFileURL(join(dir, 'index.html')).href);
      let started = performance.now();
      await page.fill('#search', 'name3');
      await page.locator('#search-results [role="option"] a').first().waitFor();
      first.push(performance.now() - started);
      started = performance.now();
      await page.fill('#search', 'status');
      await page.waitForFunction(() => document.querySelector('#search-results .hint')?.textContent?.includes('status') === true);
      next.push(performance.now() - started);
    }
    console.log(row([size, Math.round(median(first)), Math.round(median(next))]));
  }
  await browser.close();
}
