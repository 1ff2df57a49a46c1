/**
 * `npm run bench:lsp`: how long after a keystroke `eventspec lsp` publishes fresh diagnostics for
 * a catalogue of 38, 500 and 2,000 events: the built command spawned, a one-character edit sent,
 * the time to its diagnostics measured (the 150 ms debounce taken out), median of 15 edits.
 * A benchmark, not a test: it prints figures only.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { synthesizeCatalogue } from './synthesize.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEBOUNCE_MS = 150;
const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
if (built.status !== 0) throw new Error(`npm run build failed: ${built.stdout}${built.stderr}`);

const child = spawn(process.execPath, [join(ROOT, 'codegen', 'dist', 'cli', 'bin.js'), 'lsp', '--stdio'], { cwd: ROOT });
const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
let resolveNext: ((at: number) => void) | undefined;
connection.onNotification('textDocument/publishDiagnostics', () => resolveNext?.(performance.now()));
connection.listen();
await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
await connection.sendNotification('initialized', {});

const next = (): Promise<number> => new Promise((resolve) => (resolveNext = resolve));
console.log(`# eventspec lsp benchmark (${new Date().toISOString().slice(0, 10)}, ${process.version}): a keystroke to its diagnostics, debounce excluded\n`);
console.log('| events | median ms | max ms |\n| --- | --- | --- |');
const catalogues: [string, string][] = [['38 (catalog.yaml)', readFileSync(join(ROOT, 'catalog.yaml'), 'utf8')], ['500', synthesizeCatalogue(500)], ['2,000', synthesizeCatalogue(2000)]];
for (const [label, text] of catalogues) {
  const uri = pathToFileURL(join(ROOT, `bench-${label}.yaml`)).href;
  let version = 1;
  let waiting = next();
  await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text } });
  await waiting;
  const times: number[] = [];
  for (let round = 0; round < 15; round++) {
    // Alternate a description's last character, as typing does.
    const edited = text.replace(/description: (.*)\n/, (_line, value: string) => `description: ${value}${round % 2 === 0 ? 'x' : ''}\n`);
    waiting = next();
    const sent = performance.now();
    await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [{ text: edited }] });
    times.push((await waiting) - sent - DEBOUNCE_MS);
  }
  times.sort((a, b) => a - b);
  console.log(`| ${label} | ${Math.round(times[7] ?? 0)} | ${Math.round(times.at(-1) ?? 0)} |`);
  await connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
}
await connection.sendRequest('shutdown');
await connection.sendNotification('exit');
connection.dispose();
