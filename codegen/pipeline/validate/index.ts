/**
 * Stage 2: plain data → a `CatalogueDocument` that later stages can trust, or every problem at
 * once. Structure first (zod), then each schema's keywords, then the rules across the catalogue.
 */
import type { DocPath, Finding } from '../../catalogue/diagnostics.ts';
import { DIAGNOSTIC_CODES } from '../../catalogue/diagnostics.ts';
import type { CatalogueDocument, EventDocument, JsonSchema, PreviousVersionDocument, SubSchema } from '../../catalogue/types.ts';
import { domainOf, EVENT_NAME, eventNames, FIXED_IDENTIFIERS, MAX_EVENT_NAME_LENGTH, MAX_NAME_LENGTH, NAME_SEGMENT, serviceNames, TYPE_NAME, typeNames, versionNames } from '../../catalogue/naming.ts';
import { checkStructure } from './structure.ts';
import { closest } from '../../catalogue/suggest.ts';
import { liftDefinitions, localDefinition, resourceOf } from './local-definitions.ts';
import { checkSchema, isRecord } from './schema-keywords.ts';
import { checkServices } from './services.ts';

export type ValidateResult =
  | { readonly ok: true; readonly document: CatalogueDocument; readonly findings: readonly Finding[] }
  | { readonly ok: false; readonly findings: readonly Finding[] };

const REF = /^#\/types\/([^/]+)$/;

/** `__proto__` keys are found before anything copies the data, so no object is ever corrupted by one. */
function findProtoKeys(value: unknown, path: DocPath, findings: Finding[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => findProtoKeys(item, [...path, index], findings));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (key === '__proto__') {
        findings.push({ code: 'reserved-name', path: [...path, key], atKey: true, message: '`__proto__` cannot be used as a key: it would change the prototype of generated objects', hint: 'rename it' });
      } else {
        findProtoKeys(child, [...path, key], findings);
      }
    }
  }
}

function checkNames(document: CatalogueDocument): Finding[] {
  const findings: Finding[] = [];
  const tooLong = (section: string, name: string, limit: number): Finding => ({
    code: section === 'events' ? 'invalid-event-name' : 'invalid-name',
    path: [section, name],
    atKey: true,
    message: `${section === 'events' ? 'event' : section === 'domains' ? 'domain' : 'type'} name ${JSON.stringify(name.slice(0, 40))}… is ${name.length} characters long, more than ${limit}`,
    hint: 'shorten it: names become file names and identifiers, and file names have at most 255 bytes',
  });
  for (const name of Object.keys(document.domains)) {
    if (name.length > MAX_NAME_LENGTH) findings.push(tooLong('domains', name, MAX_NAME_LENGTH));
    else if (!NAME_SEGMENT.test(name)) {
      findings.push({ code: 'invalid-name', path: ['domains', name], atKey: true, message: `domain name ${JSON.stringify(name)} is not lower snake case`, hint: 'use letters, digits and underscores, starting with a letter: `plan`, `tool_call`' });
    }
  }
  for (const name of Object.keys(document.types ?? {})) {
    if (name.length > MAX_NAME_LENGTH) findings.push(tooLong('types', name, MAX_NAME_LENGTH));
    else if (!TYPE_NAME.test(name)) {
      findings.push({ code: 'invalid-name', path: ['types', name], atKey: true, message: `type name ${JSON.stringify(name)} is not PascalCase`, hint: 'start with a capital letter, then letters and digits: `Actor`, `ErrorInfo`' });
    }
  }
  for (const name of Object.keys(document.events)) {
    if (name.length > MAX_EVENT_NAME_LENGTH) findings.push(tooLong('events', name, MAX_EVENT_NAME_LENGTH));
    else if (!EVENT_NAME.test(name)) {
      findings.push({ code: 'invalid-event-name', path: ['events', name], atKey: true, message: `event name ${JSON.stringify(name)} is not \`domain.action\` or \`domain.entity.action\` in lower snake case`, hint: 'for example `plan.created` or `agent.heartbeat_missed`' });
    } else if (!Object.hasOwn(document.domains, domainOf(name))) {
      const near = closest(domainOf(name), Object.keys(document.domains));
      findings.push({
        code: 'undeclared-domain',
        path: ['events', name],
        atKey: true,
        message: `event ${JSON.stringify(name)} belongs to domain \`${domainOf(name)}\`, which is not declared`,
        hint: near === undefined ? `declare \`${domainOf(name)}\` under \`domains:\`, or fix the name` : `did you mean \`${near}\` (\`${near}${name.slice(domainOf(name).length)}\`)? Or declare \`${domainOf(name)}\` under \`domains:\``,
      });
    }
  }
  return findings;
}

function checkCollisions(document: CatalogueDocument): Finding[] {
  const owners = new Map<string, string>(FIXED_IDENTIFIERS.map((identifier) => [identifier, 'the generated code itself']));
  const findings: Finding[] = [];
  // One finding per name: its first clashing identifier says enough.
  const claim = (identifiers: readonly string[], owner: string, path: DocPath): void => {
    const clash = identifiers.find((identifier) => owners.has(identifier));
    if (clash !== undefined) {
      findings.push({ code: 'identifier-collision', path, atKey: true, message: `${owner} would generate \`${clash}\`, which ${owners.get(clash)} also generates`, hint: 'rename one of them' });
      return;
    }
    for (const identifier of identifiers) owners.set(identifier, owner);
  };
  for (const name of Object.keys(document.types ?? {})) claim(Object.values(typeNames(name)), `type \`${name}\``, ['types', name]);
  for (const [name, event] of Object.entries(document.events)) {
    claim(Object.values(eventNames(name)), `event \`${name}\``, ['events', name]);
    wellShapedPrevious(event).forEach(({ entry, index }) => claim(Object.values(versionNames(name, entry.version)), `version ${entry.version} of \`${name}\``, ['events', name, 'previous', index, 'version']));
  }
  for (const name of Object.keys(document.services ?? {})) claim(Object.values(serviceNames(name)), `service \`${name}\``, ['services', name]);
  return findings;
}

/** The entries of `previous` that have the right shape (a broken one has a structural finding already), with their places. */
export function wellShapedPrevious(event: EventDocument): { readonly entry: PreviousVersionDocument; readonly index: number }[] {
  const list: unknown = event.previous;
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry: unknown, index) =>
    isRecord(entry) && Number.isInteger(entry['version']) && isRecord(entry['payload']) ? [{ entry: entry as unknown as PreviousVersionDocument, index }] : [],
  );
}

/** Earlier versions come oldest first, each below the next and all below the current one. */
function checkVersionOrder(name: string, event: EventDocument): Finding[] {
  const current = event.version ?? 1;
  const findings: Finding[] = [];
  let before: number | undefined;
  for (const { entry, index } of wellShapedPrevious(event)) {
    const path = ['events', name, 'previous', index, 'version'];
    if (entry.version >= current) {
      findings.push({ code: 'version-order', path, message: `version ${entry.version} of \`${name}\` is kept as an earlier version, but the event is at version ${current}`, hint: `earlier versions are below \`version\`; bump \`version\` to ${entry.version + 1} if this is the one before it` });
    } else if (before !== undefined && entry.version <= before) {
      findings.push({ code: 'version-order', path, message: `version ${entry.version} of \`${name}\` follows version ${before}`, hint: 'list earlier versions oldest first, each once' });
    }
    before = entry.version;
  }
  return findings;
}

/** Types a schema refers to for the same value (not through a property or an item): a cycle of these never ends. */
function directRefs(schema: SubSchema): string[] {
  if (typeof schema === 'boolean') return [];
  const own = schema.$ref === undefined ? [] : [schema.$ref.replace('#/types/', '')];
  const members = [
    ...(schema.oneOf ?? []),
    ...(schema.anyOf ?? []),
    ...(schema.allOf ?? []),
    ...Object.values(schema.dependentSchemas ?? {}),
    ...[schema.not, schema.if, schema.then, schema.else].filter((member) => member !== undefined),
  ];
  return [...own, ...members.flatMap(directRefs)];
}

/** A cycle of plain references (`A` is `B`, `B` is `A`) describes no value at all. */
function checkRefCycles(types: { readonly [name: string]: JsonSchema }): Finding[] {
  const findings: Finding[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: readonly string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      findings.push({ code: 'ref-cycle', path: ['types', name], atKey: true, message: `types refer to each other with nothing in between: ${cycle.join(' → ')}`, hint: 'a recursive type needs an object property or array item on the way back' });
      return;
    }
    const schema = types[name];
    if (schema === undefined) return;
    state.set(name, 'visiting');
    for (const target of directRefs(schema)) visit(target, [...trail, name]);
    state.set(name, 'done');
  };
  for (const name of Object.keys(types)) visit(name, []);
  return findings;
}

/** The parts of a structurally broken catalogue that can still be checked: sections and events of the right kind. */
function wellShapedParts(data: unknown): CatalogueDocument {
  const root = isRecord(data) ? data : {};
  const section = (value: unknown): Record<string, unknown> => (isRecord(value) ? value : {});
  const entries = (value: unknown, keep: (entry: unknown) => boolean): Record<string, never> =>
    Object.fromEntries(Object.entries(section(value)).filter(([, entry]) => keep(entry))) as Record<string, never>;
  return {
    version: 1,
    domains: section(root['domains']) as Record<string, string>,
    types: entries(root['types'], isRecord),
    events: entries(root['events'], (event) => isRecord(event) && isRecord(event['payload'])),
  };
}

/** Validates the whole catalogue and returns every finding, errors and warnings alike. */
export function validateCatalogue(data: unknown): ValidateResult {
  const protoFindings: Finding[] = [];
  findProtoKeys(data, [], protoFindings);
  if (protoFindings.length > 0) return { ok: false, findings: protoFindings };

  const structural = checkStructure(data);
  // With structural errors, the rules below still run on every part that has the right shape,
  // so one run reports as much as it can.
  const document = structural.length === 0 ? (data as CatalogueDocument) : wellShapedParts(data);
  const types = document.types ?? {};

  const findings: Finding[] = [...structural, ...checkNames(document)];
  const options = { formats: document.defaults?.formats ?? 'assert', closedByDefault: document.defaults?.additionalProperties !== true, types } as const;
  const refs: { ref: string; path: DocPath }[] = [];
  const onRef = (ref: string, path: DocPath): void => {
    refs.push({ ref, path });
  };
  for (const [name, schema] of Object.entries(types)) {
    findings.push(...checkSchema(schema, ['types', name], onRef, options));
  }
  for (const [name, event] of Object.entries(document.events)) {
    const payloadPath = ['events', name, 'payload'];
    findings.push(...checkSchema(event.payload, payloadPath, onRef, options));
    for (const { entry, index } of wellShapedPrevious(event)) {
      const path = ['events', name, 'previous', index, 'payload'];
      findings.push(...checkSchema(entry.payload, path, onRef, options));
    }
    findings.push(...checkVersionOrder(name, event));
  }
  for (const { ref, path } of refs) {
    const problem = refProblem(document, ref, path);
    if (problem !== undefined) findings.push({ code: 'undefined-ref', path, ...problem });
  }
  const hasErrors = (list: readonly Finding[]): boolean => list.some((finding) => DIAGNOSTIC_CODES[finding.code].severity === 'error');
  // Cycles and collisions are only meaningful once every name and reference is sound, and local
  // definitions have become shared types (their findings point back to where they are defined).
  let result = document;
  if (!hasErrors(findings)) {
    const lifted = liftDefinitions(document);
    result = lifted.document;
    const located = (finding: Finding): Finding => {
      const origin = finding.path[0] === 'types' ? lifted.origins.get(String(finding.path[1])) : undefined;
      return origin === undefined ? finding : { ...finding, path: [...origin, ...finding.path.slice(2)] };
    };
    findings.push(...lifted.findings);
    if (!hasErrors(findings)) findings.push(...[...checkRefCycles(result.types ?? {}), ...checkCollisions(result)].map(located));
  }

  if (structural.length === 0) findings.push(...checkServices(document));

  const usedDomains = new Set(Object.keys(document.events).map(domainOf));
  // Events left out for their shape would make their domains look unused.
  for (const domain of structural.length === 0 ? Object.keys(document.domains) : []) {
    if (!usedDomains.has(domain)) {
      findings.push({ code: 'unused-domain', path: ['domains', domain], atKey: true, message: `domain \`${domain}\` has no events`, hint: 'add its events, or remove the domain' });
    }
  }
  // Who produces and consumes what is a rule across the catalogue, not its soundness: with such
  // errors alone the document is still modelled (lint fails; diff can still compare).
  return hasErrors(findings.filter((finding) => !RELATIONAL_CODES.has(finding.code))) ? { ok: false, findings } : { ok: true, document: result, findings };
}

const RELATIONAL_CODES: ReadonlySet<string> = new Set(['consumed-unproduced', 'multiple-producers', 'unknown-version']);

/** What is wrong with a `$ref` at `path`, if anything: it must name a shared type, or a definition of its own payload or type. */
function refProblem(document: CatalogueDocument, ref: string, path: DocPath): { message: string; hint: string } | undefined {
  const types = document.types ?? {};
  const target = REF.exec(ref)?.[1];
  if (target !== undefined && Object.hasOwn(types, target)) return undefined;
  const resource = resourceOf(document, path);
  const definitions = resource?.root.$defs ?? {};
  const local = localDefinition(ref);
  if (local !== undefined && Object.hasOwn(definitions, local)) return undefined;
  if (ref === '#' && resource?.kind === 'type') return undefined;
  const known = [...Object.keys(types).map((type) => `#/types/${type}`), ...Object.keys(definitions).map((key) => `#/$defs/${encodeURI(key.replaceAll('~', '~0').replaceAll('/', '~1'))}`)];
  const near = closest(ref, known);
  if (ref.startsWith('#') && local === undefined && target === undefined && ref !== '#') {
    return { message: `\`$ref: ${ref}\` is not a reference this catalogue supports`, hint: 'refer to a shared type (`#/types/Name`) or a definition at the top of this payload or type (`#/$defs/Name`)' };
  }
  if (!ref.startsWith('#')) return { message: `\`$ref: ${ref}\` refers to another document, which is out of scope`, hint: 'copy the schema under `types:` and refer to it as `#/types/Name` (`eventspec import` does this for whole files)' };
  return {
    message: ref === '#' ? '`$ref: "#"` refers to the payload itself, which only a shared type may do' : `\`$ref: ${ref}\` does not name a shared type or a definition here`,
    hint: near !== undefined ? `did you mean \`${near}\`?` : known.length === 0 ? 'declare the type under `types:`' : `known: ${known.join(', ')}`,
  };
}
