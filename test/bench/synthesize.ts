/**
 * Synthetic catalogues for the benchmarks: `size` events with 6-field payloads, in domains of
 * at most 100 events, using shared types as a real catalogue does.
 */
const ACTIONS = ['created', 'updated', 'started', 'completed', 'failed', 'cancelled', 'assigned', 'archived', 'restored', 'expired'];

export function synthesizeCatalogue(size: number): string {
  const domainCount = Math.ceil(size / 100);
  const lines = [
    'version: 1',
    'domains:',
    ...Array.from({ length: domainCount }, (_, d) => `  d${d}: Synthetic domain ${d}.`),
    'types:',
    '  Ulid: { type: string, format: ulid }',
    '  Timestamp: { type: string, format: date-time }',
    '  Actor:',
    '    type: object',
    '    properties: { kind: { type: string, enum: [user, agent, system] }, id: { type: string, minLength: 1, maxLength: 128 } }',
    '    required: [kind, id]',
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
      `      required: [id, name${i % 7}, count, status, at]`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Event names of a synthetic catalogue, in order (for consumers that emit and subscribe). */
export function syntheticEventNames(size: number): string[] {
  return Array.from({ length: size }, (_, i) => `d${Math.floor(i / 100)}.e${i}_${ACTIONS[i % ACTIONS.length]}`);
}
