/**
 * The redacted payload types say exactly what the redactor does: valid payloads of every event of
 * the sensitive fixture (secrets in recursive types, maps, arrays of maps, items, shared types,
 * union branches, allOf parts, key patterns, tuple positions, conditional and dependent schemas,
 * the payload as a whole) and of this repository's catalogue are redacted by the generated
 * redactors, and tsc must accept each result as the event's `RedactedPayloadMap` entry; where a
 * value is concealed, the type there is the marker.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { lintCatalogue } from '../codegen/pipeline/index.ts';
import { mask, type EventRegistry } from '../src/index.ts';
import { CATALOGUE_PATH } from './support/catalogue.ts';
import { FIXED_SEED } from './support/fast-check-seed.ts';
import { generateInto, ROOT, scratchDirectory } from './support/generate-fixture.ts';
import { valuesFor } from './support/oracle.ts';

const scratch = scratchDirectory('redacted-types');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Redacted samples of every sensitive event, as TypeScript declarations typed by `RedactedPayloadMap`. */
async function redactedSamples(name: string, text: string): Promise<{ dir: string; lines: string[]; redacted: number }> {
  const dir = join(scratch, name);
  const out = generateInto(dir, text);
  const linted = lintCatalogue(text, 'catalog.yaml');
  if (!linted.ok) throw new Error(`${name} does not lint`);
  const { eventRegistry } = (await import(pathToFileURL(join(out, 'index.ts')).href)) as { eventRegistry: EventRegistry<Record<string, unknown>> };
  const lines: string[] = [];
  let redacted = 0;
  for (const event of linted.model.events.filter((each) => each.redaction !== undefined)) {
    const redact = eventRegistry[event.name]?.redact;
    if (redact === undefined) throw new Error(`${event.name} has no redactor`);
    const check = eventRegistry[event.name]?.check;
    // The oracle's values stop short at depth 4 (a null there): only valid ones are kept.
    fc.sample(valuesFor(event.payload, linted.model, 'valid'), { numRuns: 60, seed: FIXED_SEED }).filter((value) => check?.(value) === true).forEach((value, index) => {
      const masked = redact(value, mask);
      if (JSON.stringify(masked) !== JSON.stringify(value)) redacted++;
      lines.push(`export const ${event.names.enumMember}${index}: RedactedPayloadMap[${JSON.stringify(event.name)}] = ${JSON.stringify(masked)};`);
    });
  }
  return { dir, lines, redacted };
}

function typecheck(dir: string, source: string): string {
  writeFileSync(join(dir, 'check.ts'), source);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: join(ROOT, 'tsconfig.json'), include: ['generated', 'check.ts'], exclude: [] }));
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json'), '--checkers', '1'], { encoding: 'utf8' });
  return tsc.stdout + tsc.stderr;
}

const HEADER = [
  "import type { Concealed } from 'eventspec';",
  "import type { RedactedPayloadMap } from './generated/index.ts';",
  'type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;',
];

describe('redacted payload types', () => {
  it('accept what the redactor returns for every sensitive place of the fixture, and type each concealed value as the marker', async () => {
    const { dir, lines, redacted } = await redactedSamples('sensitive', readFileSync(join(ROOT, 'test', 'fixtures', 'sensitive.yaml'), 'utf8'));
    expect(redacted).toBeGreaterThan(100);
    type Check = readonly [string, string];
    const checks: readonly Check[] = [
      ['RedactedPayloadMap["vault.sealed"]', 'Concealed'],
      ['RedactedPayloadMap["vault.tree_stored"]["tree"]["secret"]', 'Concealed | undefined'],
      ['NonNullable<RedactedPayloadMap["vault.tree_stored"]["tree"]["children"]>[number]["secret"]', 'Concealed | undefined'],
      ['NonNullable<NonNullable<NonNullable<RedactedPayloadMap["vault.tree_stored"]["tree"]["children"]>[number]["children"]>[number]["secret"]>', 'Concealed'],
      ['NonNullable<RedactedPayloadMap["vault.maps_stored"]["byName"]>[string]["password"]', 'Concealed | undefined'],
      ['NonNullable<RedactedPayloadMap["vault.maps_stored"]["tokens"]>[number]', 'Concealed'],
      ['RedactedPayloadMap["vault.maps_stored"]["pin"]', 'Concealed | undefined'],
      ['NonNullable<NonNullable<RedactedPayloadMap["vault.maps_stored"]["list"]>[number][string]>["password"]', 'Concealed | undefined'],
      ['NonNullable<RedactedPayloadMap["vault.shapes_stored"]["pair"]>[1]', 'Concealed | undefined'],
      ['NonNullable<RedactedPayloadMap["vault.shapes_stored"]["pair"]>[0]', 'string | undefined'],
      ['NonNullable<NonNullable<RedactedPayloadMap["vault.shapes_stored"]["pair"]>[2]>["key"]', 'Concealed | undefined'],
      // Values under key patterns are typed `unknown` in the payload, and stay so.
      ['NonNullable<RedactedPayloadMap["vault.shapes_stored"]["headers"]>[string]', 'unknown'],
      ['NonNullable<RedactedPayloadMap["vault.maps_stored"]["login"]>', 'RedactedPayloadMap["vault.maps_stored"]["login"] & {}'],
    ];
    const equalities = checks.map(([actual, expected], index) => `export const same${index}: Equal<${actual}, ${expected}> = true;`);
    const output = typecheck(dir, [...HEADER, ...equalities, ...lines].join('\n'));
    expect(output).toBe('');
    // The check can fail: a real secret is not a redacted value.
    const failing = typecheck(dir, [...HEADER, 'export const leaked: RedactedPayloadMap["vault.maps_stored"] = { pin: "1234" };'].join('\n'));
    expect(failing).toContain("Type '\"1234\"' is not assignable to type '\"[REDACTED]\"'");
  });

  it("accept what the redactor returns for this repository's sensitive events", async () => {
    const { dir, lines, redacted } = await redactedSamples('catalogue', readFileSync(CATALOGUE_PATH, 'utf8'));
    expect(redacted).toBeGreaterThan(100);
    expect(typecheck(dir, [...HEADER, 'export const content: Equal<RedactedPayloadMap["session.message_sent"]["content"], Concealed> = true;', ...lines].join('\n'))).toBe('');
  });
});
