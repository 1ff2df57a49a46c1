/**
 * A pattern that backtracks catastrophically must not hold a validator when `maxLength` rules the
 * string out: the generated fast check and zod schema test lengths before patterns, as ajv does.
 * (Before, `^(a+)+b$` under `maxLength: 20` took 6.4 s at 27 characters and gave no answer at 29.)
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod/v4';
import { subjectOfText } from './support/oracle.ts';

const CATALOGUE = `version: 1
domains:
  demo: Demo.
events:
  demo.named:
    description: Named.
    payload:
      type: object
      properties:
        name: { type: string, pattern: '^(a+)+b$', minLength: 2, maxLength: 20 }
        label: { type: string, format: email, maxLength: 30 }
      required: [name]
`;

describe('a backtracking pattern under maxLength', () => {
  const subject = subjectOfText(CATALOGUE, 'hostile.yaml');
  const zodSchema = subject.ours('demo.named');
  const fast = subject.fast('demo.named');
  const ajv = subject.references('demo.named');

  it('is never run on a string its length rules out (before, 29 characters outlasted the test timeout)', () => {
    for (const length of [21, 29, 40, 10_000]) {
      const value = { name: `${'a'.repeat(length - 1)}c` };
      expect(fast(value)).toBe(false);
      const result = z.safeParse(zodSchema, value);
      expect(result.success).toBe(false);
      // The issue is the length, and only the length: the pattern did not run.
      expect(result.error?.issues.map((issue) => issue.message)).toEqual(['Too long: expected at most 20 characters']);
      expect(ajv(value)).toBe(false);
    }
  });

  it('still judges strings within the bounds by the pattern', () => {
    for (const [name, valid] of [['aab', true], ['ab', true], ['aac', false], [`${'a'.repeat(17)}c`, false]] as const) {
      expect(fast({ name }), name).toBe(valid);
      expect(z.safeParse(zodSchema, { name }).success, name).toBe(valid);
      expect(ajv({ name }), name).toBe(valid);
    }
  });

  it('checks a format after the length too, and reports the length alone', () => {
    const result = z.safeParse(zodSchema, { name: 'ab', label: `${'x'.repeat(40)}@example.com` });
    expect(result.error?.issues.map((issue) => issue.path.join('.') + ': ' + issue.message)).toEqual(['label: Too long: expected at most 30 characters']);
  });
});
