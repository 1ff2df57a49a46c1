/**
 * The catalogue file's own structure, described with zod: top-level sections and event
 * definitions. Payload schemas are checked keyword by keyword in `schema-keywords.ts`.
 */
import * as z from 'zod/v4';
import type { DocPath, Finding } from '../../catalogue/diagnostics.ts';
import { closest } from '../../catalogue/suggest.ts';
import { payloadLanguageDefs } from './schema-keywords.ts';

const isExtensionKey = (key: string): boolean => key.startsWith('x-');

const PreviousVersionShape = z.strictObject({
  version: z.int().positive('expected a positive integer').describe('The version this payload schema had.'),
  payload: z.record(z.string(), z.unknown(), 'expected a JSON Schema object').describe('The payload schema of that version, as it was (`eventspec bump` copies it here, shared types inlined).'),
  upcast: z.string().min(1, 'say what the upcaster does').optional().describe('The step to the next version needs code, and what it does (e.g. `title renamed to name`): the generated `Upcasters` type then requires that function. Required when the step is breaking.'),
});

const EventDefinitionShape = z.strictObject({
  description: z.string().min(1, 'an event needs a description').describe('What happened, in a sentence: it becomes the JSDoc of the event and its helpers.'),
  payload: z.record(z.string(), z.unknown(), 'expected a JSON Schema object').describe('The payload: a JSON Schema 2020-12 of `type: object` (or a `oneOf`/`anyOf` of objects) in the payload language the README lists.'),
  version: z.int().positive('expected a positive integer').optional().describe('The version of the payload shape (default 1); bump it on a breaking change.'),
  deprecated: z.union([z.boolean(), z.string().min(1)], 'expected true, false or a message').optional().describe('true, or a message saying what to use instead; removing a deprecated event is no breaking change.'),
  examples: z.array(z.unknown()).optional().describe('Example payloads; lint validates each with the generated validator.'),
  previous: z.array(PreviousVersionShape, 'expected a list of { version, payload, upcast? }').optional().describe('Earlier versions of the payload, oldest first, so that events written under them are still read (upcast to the current version).'),
});

const ConsumedEventShape = z.union([
  z.string().min(1, 'expected an event name'),
  z.strictObject({
    event: z.string().min(1, 'expected an event name').describe('The event consumed.'),
    versions: z.array(z.int().positive('expected a positive integer'), 'expected a list of versions').min(1, 'list at least one version').optional().describe('The versions its deployed code reads (default: whatever version this catalogue is at). `eventspec diff` says which consumers a breaking change breaks by them.'),
  }),
], 'expected an event name, `domain.*`, or { event, versions }');

const ServiceShape = z.strictObject({
  description: z.string().min(1, 'a service needs a description').describe('What the service does, in a sentence.'),
  owner: z.string().min(1, 'name the team that owns it').describe('The team that owns the service.'),
  produces: z.array(z.string().min(1, 'expected an event name'), 'expected a list of event names').optional().describe('The events it emits: names, or `domain.*` for every event of a domain. Its generated contract lets it emit only these.'),
  consumes: z.array(ConsumedEventShape, 'expected a list of event names').optional().describe('The events its handlers receive: names, `domain.*`, or { event, versions }. Its generated contract lets it subscribe only to these.'),
  readsSensitive: z.boolean().optional().describe('Its handlers receive `x-sensitive` values as they are (default false: redacted, and typed so).'),
});

const CatalogueShape = z.strictObject({
  $schema: z.string().optional().describe('The JSON Schema of this file, for editors.'),
  version: z.literal(1, 'expected format version 1').describe('The catalogue format version: 1.'),
  defaults: z
    .strictObject({
      additionalProperties: z.boolean().optional().describe('Whether payload objects accept keys they do not declare (default false: closed).'),
      formats: z.enum(['assert', 'annotate'], 'expected assert (the default) or annotate').optional().describe('Whether `format` rejects values that do not match (assert, the default) or only describes them (annotate, as JSON Schema 2020-12 does by default).'),
      strict: z.boolean().optional().describe('Warnings fail lint and generate, as errors do (as `eventspec lint --strict`).'),
      singleProducer: z.boolean().optional().describe('Each event has one producing service: a second service producing it is an error.'),
    })
    .optional()
    .describe('Defaults for every payload schema, and how strict lint is.'),
  outputs: z
    .strictObject({
      jsonschema: z.boolean().optional().describe('Also write a JSON Schema per event and a bundle into jsonschema/.'),
      asyncapi: z
        .union([
          z.boolean(),
          z.strictObject({
            subjectPrefix: z.string().regex(/^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/, 'expected NATS subject tokens separated by dots, such as `events`').optional().describe('Subjects are <subjectPrefix>.<event type> (default events).'),
            server: z.string().min(1, 'expected host:port').optional().describe('The NATS server, host:port (default localhost:4222).'),
          }),
        ], 'expected true, false or { subjectPrefix, server }')
        .optional()
        .describe('Also write asyncapi.yaml, an AsyncAPI 3.0 document of the events on NATS.'),
      site: z
        .union([z.boolean(), z.strictObject({ title: z.string().min(1, 'a title needs text').optional().describe('The title of every page (default: the catalogue file name).') })], 'expected true, false or { title }')
        .optional()
        .describe('Also write site/, a static web catalogue (HTML, CSS, a little JavaScript) that works from file:// and any static host.'),
      importExtension: z.enum(['js', 'ts', 'none'], 'expected js (the default), ts or none').optional().describe('How generated files import each other: js (default), ts or none.'),
    })
    .optional()
    .describe('What generate writes besides the TypeScript and EVENTS.md.'),
  domains: z.record(z.string(), z.string().min(1, 'a domain needs a description')).describe('Domain name (lower snake case) → description. An event belongs to the domain its name starts with.'),
  types: z.record(z.string(), z.record(z.string(), z.unknown(), 'expected a JSON Schema object')).optional().describe('Shared schemas (PascalCase names), used as $ref: #/types/Name.'),
  events: z.record(z.string(), EventDefinitionShape).describe('Event name (domain.action or domain.entity.action, lower snake case) → definition.'),
  services: z.record(z.string(), ServiceShape).optional().describe('Service name (lower case, words joined by - or _) → what it produces and consumes.'),
});

/** The `$id` of the catalogue's own JSON Schema; editors read the copy in the CLI package (`catalog.schema.json`). */
export const CATALOGUE_SCHEMA_ID = 'urn:eventspec:schema:catalog:1';

/** The file, at the CLI package's root, that holds `catalogueJsonSchema()` (kept fresh by a test). */
export const CATALOGUE_SCHEMA_FILE = 'catalog.schema.json';

/**
 * The catalogue format as a JSON Schema, for editors: made from the zod description that
 * validates the catalogue, so the two cannot disagree. `x-` keys are allowed wherever the
 * catalogue allows them.
 */
export function catalogueJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(CatalogueShape, { unrepresentable: 'any' }) as Record<string, unknown>;
  const allowExtensions = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(allowExtensions);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    if (record['additionalProperties'] === false) record['patternProperties'] = { '^x-': {} };
    for (const child of Object.values(record)) allowExtensions(child);
  };
  allowExtensions(schema);
  // Payloads and shared types in the payload language, keyword by keyword, from the table lint uses.
  const properties = schema['properties'] as Record<string, Record<string, unknown>>;
  const language = (node: Record<string, unknown> | undefined): Record<string, unknown> => ({ description: node?.['description'], $ref: '#/$defs/schemaObject' });
  const types = properties['types'];
  if (types !== undefined) types['additionalProperties'] = language(types['additionalProperties'] as Record<string, unknown> | undefined);
  const event = (properties['events']?.['additionalProperties'] as { properties: Record<string, Record<string, unknown>> } | undefined)?.properties;
  if (event !== undefined) event['payload'] = language(event['payload']);
  const previous = (event?.['previous']?.['items'] as { properties?: Record<string, Record<string, unknown>> } | undefined)?.properties;
  if (previous !== undefined) previous['payload'] = language(previous['payload']);
  return { $schema: schema['$schema'], $id: CATALOGUE_SCHEMA_ID, title: 'eventspec catalogue', ...schema, $defs: payloadLanguageDefs() };
}

/**
 * A required field that is absent, as opposed to present with the wrong kind of value: zod
 * reports both as `invalid_type`; with `reportInput`, the second carries its value (YAML has no
 * `undefined`, so only an absent field has none).
 */
function isMissing(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'invalid_type' && issue.input === undefined;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (isMissing(issue)) return `missing required field \`${String(issue.path.at(-1))}\``;
  return issue.message;
}

/** The keys the catalogue format defines at a path (`[]`, `['events', name]`, `['outputs']`…). */
function knownKeys(path: DocPath): string[] {
  let node: z.core.$ZodType | undefined = CatalogueShape;
  for (const part of path) {
    while (node instanceof z.ZodOptional || node instanceof z.ZodUnion) node = node instanceof z.ZodOptional ? node.unwrap() : node.options.find((option) => option instanceof z.ZodObject);
    if (node instanceof z.ZodRecord) node = node.valueType as z.core.$ZodType;
    else if (node instanceof z.ZodArray) node = node.element as z.core.$ZodType;
    else if (node instanceof z.ZodObject) node = (node.shape as Record<string, z.core.$ZodType>)[String(part)];
    else return [];
  }
  while (node instanceof z.ZodOptional || node instanceof z.ZodUnion) node = node instanceof z.ZodOptional ? node.unwrap() : node.options.find((option) => option instanceof z.ZodObject);
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

const samePath = (a: DocPath, b: DocPath): boolean => a.length === b.length && a.every((part, index) => part === b[index]);

/** Every structural problem of the catalogue file, as findings; `x-` keys are allowed anywhere. */
export function checkStructure(data: unknown): Finding[] {
  const result = CatalogueShape.safeParse(data, { reportInput: true });
  if (result.success) return [];
  const findings: Finding[] = [];
  // A misspelt required key is one mistake: it is reported as the unknown key, with the key it
  // should be, and not again as the required key that is missing.
  const misspelt: DocPath[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
    if (issue.code !== 'unrecognized_keys') continue;
    const known = knownKeys(path);
    for (const key of issue.keys.filter((key) => !isExtensionKey(key))) {
      const near = closest(key, known);
      findings.push(unknownKey([...path, key], near));
      if (near !== undefined) misspelt.push([...path, near]);
    }
  }
  for (const issue of result.error.issues) {
    const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
    if (issue.code === 'unrecognized_keys') continue;
    const missing = isMissing(issue);
    if (missing && misspelt.some((each) => samePath(each, path))) continue;
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

function unknownKey(path: DocPath, near: string | undefined): Finding {
  return {
    code: 'unknown-key',
    path,
    atKey: true,
    message: `unknown key \`${String(path.at(-1))}\` in ${describePath(path.slice(0, -1))}`,
    hint: near === undefined ? 'check the spelling; custom keys need an `x-` prefix' : `did you mean \`${near}\`?`,
  };
}

function describePath(path: DocPath): string {
  return path.length === 0 ? 'the catalogue' : path.join('.');
}
