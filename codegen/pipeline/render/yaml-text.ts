/**
 * Block-style YAML for plain JSON data. The yaml library's stringify took most of a large
 * catalogue's generate time; this writes the same kind of document in a single pass. Strings
 * are double-quoted JSON strings (valid YAML), so no catalogue text can change the structure.
 */
const PLAIN_KEY = /^[A-Za-z_$][\w.$/-]*$/;

function key(name: string): string {
  return PLAIN_KEY.test(name) && !/^(true|false|null|yes|no|on|off|~)$/i.test(name) ? name : JSON.stringify(name);
}

function scalar(value: unknown): string {
  return value === null ? 'null' : typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function isEmpty(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

function block(value: unknown, indent: string, lines: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item === 'object' && item !== null && !isEmpty(item)) {
        const nested: string[] = [];
        block(item, `${indent}  `, nested);
        // The first line of an item's block goes on the dash's line.
        lines.push(`${indent}- ${(nested[0] ?? '').trimStart()}`, ...nested.slice(1));
      } else {
        lines.push(`${indent}- ${isEmpty(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item)}`);
      }
    }
    return;
  }
  for (const [name, item] of Object.entries(value as Record<string, unknown>)) {
    if (typeof item === 'object' && item !== null && !isEmpty(item)) {
      lines.push(`${indent}${key(name)}:`);
      block(item, `${indent}  `, lines);
    } else {
      lines.push(`${indent}${key(name)}: ${isEmpty(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item)}`);
    }
  }
}

/** A JSON-compatible object as block YAML, ending with a newline. */
export function toYaml(document: Record<string, unknown>): string {
  if (isEmpty(document)) return '{}\n';
  const lines: string[] = [];
  block(document, '', lines);
  return `${lines.join('\n')}\n`;
}
