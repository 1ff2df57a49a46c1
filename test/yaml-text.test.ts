import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { toYaml } from '../codegen/pipeline/render/yaml-text.ts';

describe('toYaml', () => {
  it('writes block YAML that reads back as the same data, whatever the keys and strings', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 4 })), (document) => {
        expect(parse(toYaml(document))).toEqual(JSON.parse(JSON.stringify(document)));
      }),
      { numRuns: 500 },
    );
  });

  it('is readable', () => {
    expect(toYaml({ asyncapi: '3.0.0', info: { title: 'T', tags: ['a', { name: 'b' }], empty: [] }, true: 1, 'a b': null })).toBe(
      'asyncapi: "3.0.0"\ninfo:\n  title: "T"\n  tags:\n    - "a"\n    - name: "b"\n  empty: []\n"true": 1\n"a b": null\n',
    );
  });
});
