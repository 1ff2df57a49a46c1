/**
 * `eventspec lsp`, driven as an editor drives it: the real command spawned, the protocol spoken
 * over its stdio with the maintained JSON-RPC library (vscode-jsonrpc), every request a user's
 * editor makes, then shutdown and exit.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { BUILT_CLI } from './support/built-commands.ts';
import { ROOT } from './support/generate-fixture.ts';

interface Position { line: number; character: number }
interface Range { start: Position; end: Position }
interface LspDiagnostic { range: Range; severity: number; code: string; message: string; source: string; relatedInformation?: { message: string }[] }
interface TextEdit { range: Range; newText: string }

const uri = pathToFileURL(join(ROOT, 'test', 'scratch-catalog.yaml')).href;
const TEXT = `version: 1
domains:
  plan: Plans.
types:
  Actor:
    description: Who did it.
    type: object
    properties: { id: { type: string } }
    required: [id]
events:
  plan.created:
    description: A plan was drafted.
    payload:
      type: object
      properties:
        by: { $ref: '#/types/Actor' }
        title: { type: string, minLenght: 1 }
  plan.done:
    description: Done.
    payload:
      type: object
      properties:
        by: { $ref: '#/types/Actor' }
`;

/** The position of the `nth` occurrence of `needle` in `text` (plus `shift` characters). */
function positionOf(text: string, needle: string, shift = 0, nth = 0): Position {
  let offset = -1;
  for (let i = 0; i <= nth; i++) offset = text.indexOf(needle, offset + 1);
  const before = text.slice(0, offset + shift).split('\n');
  return { line: before.length - 1, character: (before.at(-1) ?? '').length };
}

let child: ChildProcessWithoutNullStreams;
let connection: MessageConnection;
const published: { uri: string; diagnostics: LspDiagnostic[] }[] = [];

/** The next diagnostics published after `action`, for the test document. */
async function nextDiagnostics(action: () => void): Promise<LspDiagnostic[]> {
  const count = published.length;
  action();
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const found = published.slice(count).find((each) => each.uri === uri);
    if (found !== undefined) return found.diagnostics;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('no diagnostics published');
}

beforeAll(async () => {
  child = spawn(process.execPath, [BUILT_CLI, 'lsp', '--stdio'], { cwd: ROOT });
  connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.onNotification('textDocument/publishDiagnostics', (params: { uri: string; diagnostics: LspDiagnostic[] }) => {
    published.push(params);
  });
  connection.listen();
  const result = (await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} })) as { capabilities: Record<string, unknown> };
  expect(result.capabilities).toMatchObject({ hoverProvider: true, definitionProvider: true, referencesProvider: true });
  await connection.sendNotification('initialized', {});
}, 30_000);

afterAll(() => {
  connection.dispose();
  child.kill();
});

describe('eventspec lsp', () => {
  it('publishes diagnostics on open, with codes, ranges, severities and hints', async () => {
    const diagnostics = await nextDiagnostics(() => void connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: TEXT } }));
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code: 'unsupported-keyword',
        severity: 1,
        source: 'eventspec',
        range: { start: positionOf(TEXT, 'minLenght'), end: positionOf(TEXT, 'minLenght', 'minLenght'.length) },
        relatedInformation: [expect.objectContaining({ message: 'hint: did you mean `minLength`?' })],
      }),
    ]);
  });

  it('offers the fix a hint names, and applies to the range', async () => {
    const [diagnostic] = published.at(-1)?.diagnostics ?? [];
    const actions = (await connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diagnostic?.range, context: { diagnostics: [diagnostic] } })) as { title: string; edit: { changes: Record<string, TextEdit[]> } }[];
    expect(actions.map((action) => action.title)).toEqual(['Change to `minLength`']);
    expect(actions[0]?.edit.changes[uri]).toEqual([{ range: diagnostic?.range, newText: 'minLength' }]);
  });

  it('fixes an undeclared domain by declaring it, and a type-specific keyword by adding its type', async () => {
    const text = TEXT.replace('minLenght', 'minLength').replace('  plan.done:', '  billing.done:').replace('title: { type: string, minLength: 1 }', 'title: { minLength: 1 }');
    const diagnostics = await nextDiagnostics(() => void connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 50 }, contentChanges: [{ text }] }));
    const fixes = async (code: string): Promise<{ title: string; edit: { changes: Record<string, TextEdit[]> } }[]> => {
      const diagnostic = diagnostics.find((each) => each.code === code);
      expect(diagnostic, code).toBeDefined();
      return (await connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diagnostic?.range, context: { diagnostics: [diagnostic] } })) as { title: string; edit: { changes: Record<string, TextEdit[]> } }[];
    };
    const [declare] = await fixes('undeclared-domain');
    expect(declare?.title).toBe('Declare the domain `billing`');
    expect(declare?.edit.changes[uri]).toEqual([{ range: { start: positionOf(text, '  plan: Plans.'), end: positionOf(text, '  plan: Plans.') }, newText: '  billing: Describe the billing domain.\n' }]);
    const [typed] = await fixes('missing-type');
    expect(typed?.title).toBe('Add `type: string`');
    expect(typed?.edit.changes[uri]?.[0]?.newText).toBe('type: string, ');
  });

  it('lints again as the user types (debounced), and survives a half-typed, broken file', async () => {
    const broken = TEXT.replace('minLenght', 'minLength').replace('  plan.done:', '  plan.done: {');
    const diagnostics = await nextDiagnostics(() => void connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: broken }] }));
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.every((each) => each.code === 'yaml-syntax')).toBe(true);
    const hover = (await connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: positionOf(broken, 'plan.created', 2) })) as { contents: { value: string } } | null;
    expect(hover?.contents.value).toContain('A plan was drafted.');
    const fixed = await nextDiagnostics(() => void connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: TEXT.replace('minLenght', 'minLength') }] }));
    expect(fixed).toEqual([]);
  });

  it('hovers: an event (description, version, domain, generated names), a $ref, a keyword', async () => {
    const text = TEXT.replace('minLenght', 'minLength');
    const hover = async (position: Position): Promise<string | undefined> => ((await connection.sendRequest('textDocument/hover', { textDocument: { uri }, position })) as { contents: { value: string } } | null)?.contents.value;
    expect(await hover(positionOf(text, 'plan.created', 3))).toMatch(/\*\*plan\.created\*\* — event, version 1, domain `plan`[\s\S]*A plan was drafted\.[\s\S]*`PlanCreatedPayload`[\s\S]*`emitPlanCreated\(\)`/);
    expect(await hover(positionOf(text, "'#/types/Actor'", 3))).toMatch(/\*\*Actor\*\* — shared type \(object\)[\s\S]*Who did it\./);
    expect(await hover(positionOf(text, 'minLength', 2))).toMatch(/\*\*minLength\*\* — JSON Schema keyword[\s\S]*code points/);
    expect(await hover(positionOf(text, 'A plan was drafted', 2))).toBeUndefined();
  });

  it('hovers over kept versions: the event lists them, an entry names its generated types and its step', async () => {
    const text = TEXT.replace('minLenght', 'minLength');
    const versioned = text.replace('  plan.done:\n    description: Done.\n', '  plan.done:\n    description: Done.\n    version: 2\n    previous:\n      - version: 1\n        upcast: by became required\n        payload: { type: object }\n');
    const hover = async (position: Position): Promise<string | undefined> => ((await connection.sendRequest('textDocument/hover', { textDocument: { uri }, position })) as { contents: { value: string } } | null)?.contents.value;
    expect(await nextDiagnostics(() => void connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 50 }, contentChanges: [{ text: versioned }] }))).toEqual([]);
    expect(await hover(positionOf(versioned, 'plan.done', 3))).toMatch(/version 2, domain `plan`[\s\S]*Earlier versions kept: 1 \(read and upcast; `PlanDoneV1Payload`…\)/);
    expect(await hover(positionOf(versioned, '- version: 1', 4))).toMatch(/\*\*plan\.done\*\* version 1 — kept so that its events are still read[\s\S]*by became required \(`Upcasters\["plan\.done"\]\.v1`\)[\s\S]*`PlanDoneV1PayloadSchema`/);
    expect(await nextDiagnostics(() => void connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 51 }, contentChanges: [{ text }] }))).toEqual([]);
  });

  it('goes to a shared type’s definition, finds its references, and renames it everywhere', async () => {
    const text = TEXT.replace('minLenght', 'minLength');
    const onRef = positionOf(text, "'#/types/Actor'", 5, 1);
    const definition = (await connection.sendRequest('textDocument/definition', { textDocument: { uri }, position: onRef })) as { range: Range }[];
    expect(definition.map((each) => each.range.start)).toEqual([positionOf(text, 'Actor:')]);
    const references = (await connection.sendRequest('textDocument/references', { textDocument: { uri }, position: onRef, context: { includeDeclaration: true } })) as { range: Range }[];
    expect(references.map((each) => each.range.start)).toEqual([positionOf(text, 'Actor:'), positionOf(text, "'#/types/Actor'"), positionOf(text, "'#/types/Actor'", 0, 1)]);
    const rename = (await connection.sendRequest('textDocument/rename', { textDocument: { uri }, position: onRef, newName: 'Person' })) as { changes: Record<string, TextEdit[]> };
    expect(rename.changes[uri]?.map((edit) => edit.newText)).toEqual(['Person', "'#/types/Person'", "'#/types/Person'"]);
  });

  it('renames a domain in its declaration and in every event name', async () => {
    const text = TEXT.replace('minLenght', 'minLength');
    const rename = (await connection.sendRequest('textDocument/rename', { textDocument: { uri }, position: positionOf(text, 'plan: Plans.', 1), newName: 'roadmap' })) as { changes: Record<string, TextEdit[]> };
    expect(rename.changes[uri]?.map((edit) => [edit.range.start, edit.newText])).toEqual([
      [positionOf(text, 'plan: Plans.'), 'roadmap'],
      [positionOf(text, 'plan.created'), 'roadmap'],
      [positionOf(text, 'plan.done'), 'roadmap'],
    ]);
  });

  it('knows the services section: hover, definition, references and rename of events named there, completion of their names, and lint', async () => {
    const services = `${TEXT.replace('minLenght', 'minLength')}services:
  planner:
    description: Plans.
    owner: planning
    produces: [plan.*]
  notifier:
    description: Tells.
    owner: team
    consumes:
      - plan.done
      - event: plan.created
        versions: [1]
`;
    expect(await nextDiagnostics(() => void connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 60 }, contentChanges: [{ text: services }] }))).toEqual([]);
    const hover = async (position: Position): Promise<string | undefined> => ((await connection.sendRequest('textDocument/hover', { textDocument: { uri }, position })) as { contents: { value: string } } | null)?.contents.value;
    expect(await hover(positionOf(services, '- plan.done', 4))).toBe('**plan.done** — event, version 1\n\nDone.\n\nProduced by `planner` · consumed by `notifier`');
    expect(await hover(positionOf(services, 'plan.created:', 6))).toContain('Produced by `planner` · consumed by `notifier`');
    expect(await hover(positionOf(services, 'notifier:', 2))).toMatch(/^\*\*notifier\*\* — service, owned by team\n\nTells\.\n\nProduces 0 and consumes 2 entries; receives sensitive values redacted\. Generated: `services\.notifier`/);
    const onUse = positionOf(services, 'event: plan.created', 10);
    const definition = (await connection.sendRequest('textDocument/definition', { textDocument: { uri }, position: onUse })) as { range: Range }[];
    expect(definition.map((each) => each.range.start)).toEqual([positionOf(services, 'plan.created:')]);
    const references = (await connection.sendRequest('textDocument/references', { textDocument: { uri }, position: positionOf(services, 'plan.done:', 6), context: { includeDeclaration: true } })) as { range: Range }[];
    expect(references.map((each) => each.range.start)).toEqual([positionOf(services, 'plan.done:'), positionOf(services, 'plan.done', 0, 1)]);
    const rename = (await connection.sendRequest('textDocument/rename', { textDocument: { uri }, position: onUse, newName: 'plan.drafted' })) as { changes: Record<string, TextEdit[]> };
    expect(rename.changes[uri]?.map((edit) => [edit.range.start, edit.newText])).toEqual([[positionOf(services, 'plan.created:'), 'plan.drafted'], [positionOf(services, 'plan.created', 0, 1), 'plan.drafted']]);
    // A domain renamed in its declaration reaches the `plan.*` of a service, and the events named there.
    const domain = (await connection.sendRequest('textDocument/rename', { textDocument: { uri }, position: positionOf(services, 'plan: Plans.', 1), newName: 'roadmap' })) as { changes: Record<string, TextEdit[]> };
    expect(domain.changes[uri]?.map((edit) => edit.range.start)).toEqual(expect.arrayContaining([positionOf(services, 'plan.*'), positionOf(services, '- plan.done', 2), positionOf(services, 'plan.created', 0, 1)]));
    // Completion of an entry, in a flow list and in a block list.
    const typing = services.replace('    produces: [plan.*]', '    produces: [plan.*, ');
    await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 61 }, contentChanges: [{ text: typing }] });
    const labels = ((await connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: positionOf(typing, 'plan.*, ', 8) })) as { label: string }[]).map((item) => item.label);
    expect(labels).toEqual(['plan.created', 'plan.done', 'plan.*']);
    const block = services.replace('      - plan.done\n', '      - plan.done\n      - pl\n');
    await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 62 }, contentChanges: [{ text: block }] });
    expect(((await connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: positionOf(block, '- pl\n', 4) })) as { label: string }[]).map((item) => item.label)).toEqual(['plan.created', 'plan.done', 'plan.*']);
    // A misspelt event in a service is a diagnostic with a quick fix.
    const typo = services.replace('      - plan.done', '      - plan.dnoe');
    const diagnostics = await nextDiagnostics(() => void connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 63 }, contentChanges: [{ text: typo }] }));
    expect(diagnostics.map((each) => [each.code, each.message])).toEqual([['undeclared-event', '`plan.dnoe` is not an event of this catalogue']]);
    const actions = (await connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diagnostics[0]?.range, context: { diagnostics } })) as { title: string }[];
    expect(actions.map((each) => each.title)).toEqual(['Change to `plan.done`']);
    expect(await nextDiagnostics(() => void connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 64 }, contentChanges: [{ text: TEXT.replace('minLenght', 'minLength') }] }))).toEqual([]);
  });

  it('completes $ref targets, format values and keywords where they may stand', async () => {
    let version = 10;
    const complete = async (text: string, position: Position): Promise<string[]> => {
      await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [{ text }] });
      return ((await connection.sendRequest('textDocument/completion', { textDocument: { uri }, position })) as { label: string }[]).map((item) => item.label);
    };
    const base = TEXT.replace('minLenght', 'minLength');
    const withRef = base.replace('        title: { type: string, minLength: 1 }\n', '        title: { type: string, minLength: 1 }\n        who:\n          $ref: \n');
    expect(withRef).not.toBe(base);
    expect(await complete(withRef, positionOf(withRef, '$ref: \n', 6))).toEqual(['#/types/Actor']);
    const withFormat = base.replace('title: { type: string, minLength: 1 }', 'title:\n          type: string\n          format: ');
    expect(await complete(withFormat, positionOf(withFormat, 'format: ', 8))).toEqual(expect.arrayContaining(['date-time', 'uri-template', 'ulid']));
    const withKey = base.replace('title: { type: string, minLength: 1 }', 'title:\n          type: string\n          max');
    expect(await complete(withKey, positionOf(withKey, '          max', 13))).toEqual(expect.arrayContaining(['maxLength', 'pattern', 'x-sensitive']));
  });

  it('shuts down and exits when asked', async () => {
    await connection.sendRequest('shutdown');
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await connection.sendNotification('exit');
    expect(await exited).toBe(0);
  });
});
