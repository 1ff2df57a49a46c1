/** `format` and `pattern`: known formats, valid patterns, and patterns that backtrack. */
/**
 * The supported JSON Schema subset as an allow-list: each keyword, the kind of value it takes and
 * the type it applies to. Anything outside the list is refused with its location, because a
 * validator that ignored a keyword would accept what the schema meant to reject.
 */
import type { DocPath, Finding } from '../../catalogue/diagnostics.ts';
import { closest } from '../../catalogue/suggest.ts';
import { backtracking } from './backtracking.ts';

import { isRecord, SUPPORTED_FORMATS, type NodeRule } from './schema-keywords.ts';

function checkPattern(pattern: string, path: DocPath, what: string): Finding[] {
  try {
    new RegExp(pattern, 'u');
    return [];
  } catch (error) {
    return [{ code: 'invalid-pattern', path, atKey: what === 'key', message: `${what === 'key' ? 'this `patternProperties` key' : '`pattern`'} is not a valid regular expression: ${(error as Error).message}`, hint: 'patterns are ECMAScript regular expressions in Unicode mode' }];
  }
}

export const formatAndPattern: NodeRule = (node, path, options) => {
  const findings: Finding[] = [];
  const format = node['format'];
  if (typeof format === 'string' && options.formats === 'assert' && !SUPPORTED_FORMATS.includes(format)) {
    const near = closest(format, SUPPORTED_FORMATS);
    findings.push({
      code: 'unsupported-format',
      path: [...path, 'format'],
      message: `format ${JSON.stringify(format)} is not supported`,
      hint: near !== undefined ? `did you mean \`${near}\`?` : `use one of ${SUPPORTED_FORMATS.join(', ')}, a \`pattern\`, or \`defaults: { formats: annotate }\` to treat formats as descriptions`,
    });
  }
  const pattern = node['pattern'];
  const maxLength = typeof node['maxLength'] === 'number' ? node['maxLength'] : undefined;
  if (typeof pattern === 'string') findings.push(...checkPattern(pattern, [...path, 'pattern'], 'value'), ...checkBacktracking(pattern, [...path, 'pattern'], 'value', maxLength));
  for (const key of Object.keys(isRecord(node['patternProperties']) ? node['patternProperties'] : {})) {
    findings.push(...checkPattern(key, [...path, 'patternProperties', key], 'key'), ...checkBacktracking(key, [...path, 'patternProperties', key], 'key', undefined));
  }
  return findings;
};

/**
 * A pattern that backtracks exponentially, or polynomially on strings no `maxLength` bounds (the
 * checks test lengths first, so a bound keeps a polynomial one cheap; object keys have none).
 */
function checkBacktracking(pattern: string, path: DocPath, what: string, maxLength: number | undefined): Finding[] {
  const found = backtracking(pattern);
  if (found === undefined || (!found.exponential && maxLength !== undefined)) return [];
  const subject = what === 'key' ? 'this `patternProperties` key' : '`pattern`';
  const growth = found.exponential ? 'exponential' : 'polynomial';
  const bound = maxLength === undefined ? '' : ` (even under \`maxLength: ${maxLength}\`, which is checked first)`;
  return [{
    code: 'backtracking-pattern',
    path,
    atKey: what === 'key',
    message: `${subject} can take ${growth} time${bound}: \`${found.part}\` matches a run of ${JSON.stringify(found.character)} in more than one way, so a hostile string can hold the validator far longer than its length suggests`,
    hint: found.fix !== undefined && found.fix !== pattern
      ? `an equivalent pattern without this: \`${found.fix}\``
      : `rewrite \`${found.part}\` so each character can be matched one way only${what === 'key' || maxLength !== undefined ? '' : ', and bound the string with `maxLength`'}`,
  }];
}
