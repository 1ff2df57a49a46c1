/**
 * Redaction of the values a catalogue marks `x-sensitive`, by the registry's paths in pino
 * redact syntax (`content`, `a.b[*].c`, `["x-secret"]`). Used for logs only: subscribers and
 * the audit trail always get the real event.
 */

export const REDACTED = '[REDACTED]';

type Segment = { readonly key: string } | { readonly each: true };

/** Splits `a.b[*]["c-d"]` into segments. */
export function parsePath(path: string): Segment[] {
  const segments: Segment[] = [];
  const pattern = /\[\*\]|\["((?:[^"\\]|\\.)*)"\]|\.?([^.[\]]+)/gy;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(path)) !== null) {
    if (match[0] === '[*]') segments.push({ each: true });
    else if (match[1] !== undefined) segments.push({ key: JSON.parse(`"${match[1]}"`) as string });
    else if (match[2] !== undefined) segments.push({ key: match[2] });
  }
  return segments;
}

function redactAt(value: unknown, segments: readonly Segment[], index: number): unknown {
  if (index === segments.length) return REDACTED;
  const segment = segments[index];
  if (segment === undefined || typeof value !== 'object' || value === null) return value;
  if ('each' in segment) {
    return Array.isArray(value) ? value.map((item: unknown) => redactAt(item, segments, index + 1)) : value;
  }
  if (Array.isArray(value) || !Object.hasOwn(value, segment.key)) return value;
  const record = value as Record<string, unknown>;
  return { ...record, [segment.key]: redactAt(record[segment.key], segments, index + 1) };
}

/** Compiles a set of paths once into a function that returns a redacted copy (the input is never changed). */
export function compileRedactor(paths: readonly string[]): (payload: unknown) => unknown {
  if (paths.length === 0) return (payload) => payload;
  const compiled = paths.map(parsePath);
  return (payload) => compiled.reduce((current, segments) => redactAt(current, segments, 0), payload);
}
