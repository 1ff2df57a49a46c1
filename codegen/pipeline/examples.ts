/**
 * The last lint rule: every event's examples must pass its payload validator. The validators are
 * built from the very code text the generator emits, so an example is judged by exactly the
 * validator that ships, not by a second interpretation of the schema.
 */
import * as z from 'zod/v4';
import * as checks from 'eventspec/payload';
import type { Finding } from '../catalogue/diagnostics.ts';
import type { CatalogueModel } from './model.ts';
import { stringLiteral } from './render/code-text.ts';
import { zodSchema } from './render/schema-code.ts';

// Generated code may call any export of the checks module; all of them are in scope here too.
const CHECK_NAMES = Object.keys(checks);

/** Evaluates the generated schema expressions; the text is ours, with every catalogue string escaped. */
export function compileValidators(model: CatalogueModel, eventNames: readonly string[]): Map<string, z.core.$ZodType> {
  const wanted = new Set(eventNames);
  const body = [
    ...model.types.map((type) => `const ${type.names.typeSchema} = ${zodSchema(type.schema, '')};`),
    'return {',
    ...model.events.filter((event) => wanted.has(event.name)).map((event) => `${stringLiteral(event.name)}: ${zodSchema(event.payload, '')},`),
    '};',
  ].join('\n');
  const factory = new Function('z', ...CHECK_NAMES, body) as (...args: unknown[]) => Record<string, z.core.$ZodType>;
  const schemas = factory(z, ...CHECK_NAMES.map((name) => checks[name as keyof typeof checks]));
  return new Map(Object.entries(schemas));
}

/** A finding for each example that its event's payload validator rejects, naming the bad field. */
export function checkExamples(model: CatalogueModel): Finding[] {
  const withExamples = model.events.filter((event) => event.examples.length > 0);
  if (withExamples.length === 0) return [];
  const validators = compileValidators(model, withExamples.map((event) => event.name));
  return withExamples.flatMap((event) =>
    event.examples.flatMap((example, index): Finding[] => {
      const validator = validators.get(event.name);
      if (validator === undefined) return [];
      const result = z.safeParse(validator, example);
      if (result.success) return [];
      return result.error.issues.map((issue) => {
        const field = issue.path.length === 0 ? 'the payload' : `\`${issue.path.map(String).join('.')}\``;
        return {
          code: 'invalid-example' as const,
          path: ['events', event.name, 'examples', index, ...issue.path.filter((part): part is string | number => typeof part !== 'symbol')],
          message: `example ${index + 1} of \`${event.name}\` is rejected by its payload schema: ${field}: ${issue.message}`,
          hint: 'fix the example, or the schema if the example is right',
        };
      });
    }),
  );
}
