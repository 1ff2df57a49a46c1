/**
 * Catalogue strings are data, never code: hostile descriptions and property names must come
 * out as the same strings, in code that parses, type-checks and runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as z from 'zod/v4';
import { afterAll, describe, expect, it } from 'vitest';
import { writeOutput } from '../codegen/pipeline/output.ts';
import { generateFiles } from '../codegen/pipeline/generate.ts';
import { lintCatalogue } from '../codegen/pipeline/index.ts';
import { GeneratedCodeError } from '../codegen/pipeline/verify/generated-code-error.ts';
import { verifyFiles } from '../codegen/pipeline/verify/verify.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(ROOT, 'test', '.tmp-injection-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const HOSTILE = [
  'ends a comment */ then `backticks` and ${process.exit(1)}',
  "quotes ' \" \\ and a line\u2028separator\u2029and\r\nbreaks",
  '*/ console.log("pwned"); /*',
  '@deprecated not really',
];

const catalogue = `version: 1
domains:
  evil: ${JSON.stringify(HOSTILE[2])}
types:
  Weird:
    description: ${JSON.stringify(HOSTILE[0])}
    type: object
    properties:
      "content-type": { type: string, description: ${JSON.stringify(HOSTILE[1])} }
      "*/": { type: string }
      "a b": { type: string, enum: ["*/", "\${x}", "\`"] }
    required: ["content-type", "*/"]
events:
  evil.happened:
    description: ${JSON.stringify(HOSTILE[0])}
    deprecated: ${JSON.stringify(HOSTILE[3])}
    payload:
      type: object
      description: ${JSON.stringify(HOSTILE[1])}
      properties:
        weird: { $ref: '#/types/Weird' }
        "ünïcödé": { type: string, pattern: ${JSON.stringify('^[^/]*/\\*$')} }
        "x-secret": { type: string, x-sensitive: true }
      required: [weird]
    examples:
      - weird: { "content-type": "a", "*/": "b", "a b": "\${x}" }
        "ünïcödé": "x/*"
`;

describe('hostile catalogue strings', () => {
  const result = generateFiles(catalogue, { file: 'catalog.yaml', headerName: 'catalog.yaml' });
  if (!result.ok) throw new Error(JSON.stringify(lintCatalogue(catalogue, 'catalog.yaml').diagnostics, null, 2));
  const out = join(scratch, 'generated');
  writeOutput(out, result.files);

  it('generate code that type-checks under strict settings', () => {
    writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.json', include: ['generated'], exclude: [] }));
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(scratch, 'tsconfig.json'), '--checkers', '1'], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });

  it('come out as the very same strings', async () => {
    const generated = (await import(pathToFileURL(join(out, 'index.ts')).href)) as typeof import('./support/hostile-shape.ts');
    const definition = generated.eventRegistry['evil.happened'];
    expect(definition.description).toBe(HOSTILE[0]);
    expect(definition.deprecated).toBe(HOSTILE[3]);
    expect(definition.redact?.({ 'x-secret': 's', other: 'o' }, () => 'hidden')).toEqual({ 'x-secret': 'hidden', other: 'o' });
    const weird = { 'content-type': 'a', '*/': 'b', 'a b': '`' };
    expect(z.safeParse(definition.schema, { weird, 'ünïcödé': 'a/*' }).success).toBe(true);
    expect(z.safeParse(definition.schema, { weird: { ...weird, 'a b': 'nope' } }).success).toBe(false);
    expect(z.safeParse(definition.schema, { weird, 'ünïcödé': '/x/*' }).success).toBe(false);
  });

  it('keep the text readable in the JSDoc, with only the comment terminator escaped', () => {
    const payloads = result.files.get('payloads/evil.ts') ?? '';
    expect(payloads).toContain(' * Payload of `evil.happened`: ends a comment *\\/ then `backticks` and ${process.exit(1)}\n');
    expect(result.files.get('emit.ts')).toContain(' * @deprecated @deprecated not really\n');
  });
});

describe('verify', () => {
  it('treats code that does not parse as a bug in eventspec, naming file, line and column', () => {
    expect(() => verifyFiles(new Map([['emit.ts', 'export const ok = 1;\nexport const = ;\n']]))).toThrow(GeneratedCodeError);
    expect(() => verifyFiles(new Map([['emit.ts', 'export const ok = 1;\nexport const = ;\n']]))).toThrow(/a bug in eventspec[\s\S]*emit\.ts:2:14 Variable declaration expected/);
  });
});

describe('a catalogue that uses every keyword, recursive types included', () => {
  it('generates code that type-checks under strict settings', () => {
    const dir = mkdtempSync(join(scratch, 'keywords-'));
    const result = generateFiles(readFileSync(join(ROOT, 'test', 'fixtures', 'keywords.yaml'), 'utf8'), { file: 'keywords.yaml', headerName: 'keywords.yaml' });
    if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
    writeOutput(join(dir, 'generated'), result.files);
    expect(result.files.get('payloads/shared.ts')).toContain('export const NodeSchema: z.ZodType = z.strictObject({');
    expect(result.files.get('payloads/shared.ts')).toContain('z.array(z.lazy(() => NodeSchema))');
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../../../tsconfig.json', include: ['generated'], exclude: [] }));
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json'), '--checkers', '1'], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });
});
