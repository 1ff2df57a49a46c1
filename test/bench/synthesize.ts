/**
 * Synthetic catalogues for the benchmarks: `size` events with 6-field payloads, in domains of
 * at most 100 events, using shared types as a real catalogue does. `mixed` adds to each payload
 * optional fields that use the rest of the payload language: key patterns and names, dependent
 * keys, tuples with `contains`, a discriminated union, `if`/`then`/`else` with `not`, a structured
 * `const`, and a recursive type with local definitions: two of them per event, in turn.
 */
const ACTIONS = ['created', 'updated', 'started', 'completed', 'failed', 'cancelled', 'assigned', 'archived', 'restored', 'expired'];

const MIXED_TYPES = [
  '  Circle: { type: object, properties: { kind: { const: circle }, r: { type: number, exclusiveMinimum: 0 } }, required: [kind, r] }',
  '  Square: { type: object, properties: { kind: { const: square }, side: { type: number, minimum: 0 } }, required: [kind, side] }',
  '  Tree:',
  '    type: object',
  "    properties: { label: { $ref: '#/$defs/label' }, children: { type: array, items: { $ref: '#' }, maxItems: 8 } }",
  '    required: [label]',
  '    $defs: { label: { type: string, minLength: 1, maxLength: 40 } }',
];

const MIXED_FIELDS = [
  "        extra: { type: object, properties: { a: { type: string }, b: { type: integer } }, patternProperties: { '^x-': { type: string } }, propertyNames: { maxLength: 20 }, dependentRequired: { a: [b] }, maxProperties: 8 }",
  '        pair: { type: array, prefixItems: [{ type: string }, { type: integer }], items: false, contains: { type: string } }',
  "        shape: { oneOf: [{ $ref: '#/types/Circle' }, { $ref: '#/types/Square' }] }",
  '        rule: { type: object, properties: { kind: { enum: [a, b] }, v: { type: string } }, if: { properties: { kind: { const: a } } }, then: { required: [v] }, else: { not: { required: [v] } } }',
  '        point: { const: { x: 0, y: [1, 2] } }',
  "        tree: { $ref: '#/types/Tree' }",
];

export interface SynthesisOptions {
  /** The rest of the payload language in each payload (see above). */
  readonly mixed?: boolean;
  /** A web catalogue in the output (`outputs.site`). */
  readonly site?: boolean;
  /**
   * Services: one per domain producing its events, the next domain's service consuming every
   * third of them, and a projection consuming everything; every 25th event keeps a version 1
   * whose field `label` became `name<n>` (an upcaster).
   */
  readonly services?: boolean;
}

export function synthesizeCatalogue(size: number, mixedOrOptions: boolean | SynthesisOptions = false): string {
  const options = typeof mixedOrOptions === 'boolean' ? { mixed: mixedOrOptions } : mixedOrOptions;
  const mixed = options.mixed === true;
  const domainCount = Math.ceil(size / 100);
  const lines = [
    'version: 1',
    ...(options.site === true ? ['outputs:', '  site: true'] : []),
    'domains:',
    ...Array.from({ length: domainCount }, (_, d) => `  d${d}: Synthetic domain ${d}.`),
    'types:',
    '  Ulid: { type: string, format: ulid }',
    '  Timestamp: { type: string, format: date-time }',
    '  Actor:',
    '    type: object',
    '    properties: { kind: { type: string, enum: [user, agent, system] }, id: { type: string, minLength: 1, maxLength: 128 } }',
    '    required: [kind, id]',
    ...(mixed ? MIXED_TYPES : []),
    'events:',
  ];
  for (let i = 0; i < size; i++) {
    const domain = `d${Math.floor(i / 100)}`;
    const name = `${domain}.e${i}_${ACTIONS[i % ACTIONS.length]}`;
    lines.push(
      `  ${name}:`,
      `    description: Synthetic event ${i}.`,
      '    payload:',
      '      type: object',
      '      properties:',
      "        id: { $ref: '#/types/Ulid' }",
      `        name${i % 7}: { type: string, minLength: 1, maxLength: ${100 + (i % 50)} }`,
      `        count: { type: integer, minimum: 0, maximum: ${1000 + i} }`,
      `        status: { type: string, enum: [s${i % 5}, s${(i % 5) + 1}, done] }`,
      "        at: { $ref: '#/types/Timestamp' }",
      "        by: { $ref: '#/types/Actor' }",
      ...(mixed ? [MIXED_FIELDS[i % MIXED_FIELDS.length] ?? '', MIXED_FIELDS[(i + 3) % MIXED_FIELDS.length] ?? ''] : []),
      `      required: [id, name${i % 7}, count, status, at]`,
    );
    if (options.services === true && i % 25 === 0) {
      lines.push(
        '    version: 2',
        '    previous:',
        '      - version: 1',
        `        upcast: 'field label renamed to name${i % 7}'`,
        '        payload:',
        '          type: object',
        '          properties:',
        "            id: { $ref: '#/types/Ulid' }",
        '            label: { type: string, minLength: 1 }',
        `            count: { type: integer, minimum: 0, maximum: ${1000 + i} }`,
        `            status: { type: string, enum: [s${i % 5}, s${(i % 5) + 1}, done] }`,
        "            at: { $ref: '#/types/Timestamp' }",
        "            by: { $ref: '#/types/Actor' }",
        '          required: [id, label, count, status, at]',
      );
    }
  }
  if (options.services === true) {
    const names = syntheticEventNames(size);
    lines.push('services:');
    for (let d = 0; d < domainCount; d++) {
      const upstream = d === 0 ? [] : names.slice((d - 1) * 100, d * 100).filter((_, i) => i % 3 === 0);
      lines.push(`  svc-d${d}:`, `    description: Owns domain ${d}.`, `    owner: team-${d % 4}`, `    produces: [d${d}.*]`, ...(upstream.length === 0 ? [] : [`    consumes: [${upstream.join(', ')}]`]));
    }
    lines.push('  projection:', '    description: Reads every event into the audit view.', '    owner: platform', `    consumes: [${Array.from({ length: domainCount }, (_, d) => `d${d}.*`).join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

/** Event names of a synthetic catalogue, in order (for consumers that emit and subscribe). */
export function syntheticEventNames(size: number): string[] {
  return Array.from({ length: size }, (_, i) => `d${Math.floor(i / 100)}.e${i}_${ACTIONS[i % ACTIONS.length]}`);
}
