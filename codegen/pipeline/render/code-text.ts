/** Turning catalogue data into code text that can never break out of its literal or comment. */

/**
 * The name generated payload modules give the runtime's `eventspec/payload` (a namespace import,
 * so that no catalogue name, such as a type `Ulid` whose guard is `isUlid`, can clash with one of
 * the runtime's).
 */
export const RUNTIME = 'runtime';

const LINE_BREAKS = /\r\n|[\r\n\u2028\u2029\u0085]/g;

/** A JavaScript string literal; line and paragraph separators escaped so every tool reads one line. */
export function stringLiteral(value: string): string {
  return JSON.stringify(value).replaceAll('\u2028', '\\u2028').replaceAll('\u2029', '\\u2029');
}

/** A JSON value as a JavaScript literal (the same escaping as `stringLiteral`). */
export function jsonLiteral(value: unknown): string {
  return JSON.stringify(value).replaceAll('\u2028', '\\u2028').replaceAll('\u2029', '\\u2029');
}

/** The lines of a JSDoc comment, at `indent`; `*\/` in the text cannot close the comment. */
export function jsDoc(lines: readonly string[], indent: string): string {
  const text = lines
    .flatMap((line) => line.replace(LINE_BREAKS, '\n').split('\n'))
    .map((line) => line.replaceAll('*/', '*\\/').trimEnd());
  while (text.length > 0 && text.at(-1) === '') text.pop();
  if (text.length === 0) return '';
  if (text.length === 1) return `${indent}/** ${text[0]} */\n`;
  return `${indent}/**\n${text.map((line) => (line === '' ? `${indent} *` : `${indent} * ${line}`)).join('\n')}\n${indent} */\n`;
}

/** Text for a `//` comment: one line, whatever the catalogue wrote. */
export function lineComment(text: string): string {
  return text.replace(LINE_BREAKS, ' ').trim();
}

const MAX_LINE = 100;

/** `import`/`export` of named bindings: one line when it fits, else one name per line. */
export function moduleStatement(keyword: 'import' | 'export', names: readonly string[], from: string, typeOnly: boolean): string {
  const head = `${keyword} ${typeOnly ? 'type ' : ''}`;
  const oneLine = `${head}{ ${names.join(', ')} } from ${stringLiteral(from)};`;
  if (oneLine.length <= MAX_LINE) return oneLine;
  return `${head}{\n${names.map((name) => `  ${name},\n`).join('')}} from ${stringLiteral(from)};`;
}
