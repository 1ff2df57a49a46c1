/**
 * The catalogue file's own structure, described with zod: top-level sections and event
 * definitions. Payload schemas are checked keyword by keyword in `schema-keywords.ts`.
 */
import * as z from 'zod/v4';
import type { DocPath, Finding } from '../../catalogue/diagnostics.ts';

const isExtensionKey = (key: string): boolean => key.startsWith('x-');

const EventDefinitionShape = z.strictObject({
  description: z.string().min(1, 'an event needs a description'),
  payload: z.record(z.string(), z.unknown(), 'expected a JSON Schema object'),
  version: z.int().positive('expected a positive integer').optional(),
  deprecated: z.union([z.boolean(), z.string().min(1)], 'expected true, false or a message').optional(),
  examples: z.array(z.unknown()).optional(),
});

const CatalogueShape = z.strictObject({
  version: z.literal(1, 'expected format version 1'),
  defaults: z.strictObject({ additionalProperties: z.boolean().optional() }).optional(),
  outputs: z
    .strictObject({
      jsonschema: z.boolean().optional(),
      asyncapi: z
        .union([
          z.boolean(),
          z.strictObject({
            subjectPrefix: z.string().regex(/^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/, 'expected NATS subject tokens separated by dots, such as `events`').optional(),
            server: z.string().min(1, 'expected host:port').optional(),
          }),
        ], 'expected true, false or { subjectPrefix, server }')
        .optional(),
      importExtension: z.enum(['js', 'ts', 'none'], 'expected js (the default), ts or none').optional(),
    })
    .optional(),
  domains: z.record(z.string(), z.string().min(1, 'a domain needs a description')),
  types: z.record(z.string(), z.record(z.string(), z.unknown(), 'expected a JSON Schema object')).optional(),
  events: z.record(z.string(), EventDefinitionShape),
});

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return `missing required field \`${String(issue.path.at(-1))}\``;
  return issue.message;
}

/** Every structural problem of the catalogue file, as findings; `x-` keys are allowed anywhere. */
export function checkStructure(data: unknown): Finding[] {
  const result = CatalogueShape.safeParse(data);
  if (result.success) return [];
  const findings: Finding[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys.filter((key) => !isExtensionKey(key))) {
        findings.push(unknownKey([...path, key]));
      }
      continue;
    }
    const missing = issue.code === 'invalid_type' && issue.input === undefined;
    findings.push({
      code: 'invalid-structure',
      // A missing field is reported at the key of the mapping that lacks it.
      path: missing ? path.slice(0, -1) : path,
      ...(missing && path.length > 1 ? { atKey: true } : {}),
      message: `${describePath(path)}: ${describeIssue(issue)}`,
      ...(missing ? { hint: `add \`${String(path.at(-1))}:\`` } : {}),
    });
  }
  return findings;
}

function unknownKey(path: DocPath): Finding {
  return {
    code: 'unknown-key',
    path,
    atKey: true,
    message: `unknown key \`${String(path.at(-1))}\` in ${describePath(path.slice(0, -1))}`,
    hint: 'check the spelling; custom keys need an `x-` prefix',
  };
}

function describePath(path: DocPath): string {
  return path.length === 0 ? 'the catalogue' : path.join('.');
}
