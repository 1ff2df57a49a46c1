/**
 * The last lint rule: every event's examples must pass its payload validator. The validators are
 * built from the very code text the generator emits, so an example is judged by exactly the
 * validator that ships, not by a second interpretation of the schema.
 */
import * as z from 'zod/v4';
import * as runtime from 'eventspec/payload';
import type { Finding } from '../catalogue/diagnostics.ts';
import type { CatalogueModel } from './model.ts';
import { RUNTIME, stringLiteral } from './render/code-text.ts';
import { CheckFile } from './render/check-code.ts';
import { zodSchema } from './render/schema-code.ts';

/** Evaluates the generated schema expressions; the text is ours, with every catalogue string escaped. */
export function compileValidators(model: CatalogueModel, eventNames: readonly string[]): Map<string, z.core.$ZodType> {
  const wanted = new Set(eventNames);
  // The schemas pass generated checks where only a verdict matters, as the generated files do.
  const checks = new CheckFile(false);
  const schemas = [
    ...model.types.map((type) => `const ${type.names.typeSchema} = ${zodSchema(type.schema, '', (node) => checks.predicate(node, type.names.typeGuard))};`),
    'return {',
    ...model.events.filter((event) => wanted.has(event.name)).map((event) => `${stringLiteral(event.name)}: ${zodSchema(event.payload, '', (node) => checks.predicate(node, event.names.payloadGuard))},`),
    '};',
  ];
  const guards = model.types.map((type) => checks.guard(type.names.typeGuard, type.names.typeInterface, type.schema, '', false));
  const body = [...checks.declarations(), ...guards, ...schemas].join('\n');
  // The generated code calls the runtime through this name, as its files import it.
  const factory = new Function('z', RUNTIME, body) as (...args: unknown[]) => Record<string, z.core.$ZodType>;
  return new Map(Object.entries(factory(z, runtime)));
}

/** Evaluates the generated fast checks (the type guards, untyped) of the given events. */
export function compileChecks(model: CatalogueModel, eventNames: readonly string[]): Map<string, (value: unknown) => boolean> {
  const wanted = new Set(eventNames);
  const file = new CheckFile(false);
  const guards = [
    ...model.types.map((type) => file.guard(type.names.typeGuard, type.names.typeInterface, type.schema, '', false)),
    ...model.events.filter((event) => wanted.has(event.name)).map((event) => file.guard(event.names.payloadGuard, event.names.payloadInterface, event.payload, '', false)),
  ];
  const events = model.events.filter((event) => wanted.has(event.name));
  const body = [...file.declarations(), ...guards, `return { ${events.map((event) => `${stringLiteral(event.name)}: ${event.names.payloadGuard}`).join(', ')} };`].join('\n');
  const factory = new Function(RUNTIME, body) as (...args: unknown[]) => Record<string, (value: unknown) => boolean>;
  return new Map(Object.entries(factory(runtime)));
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
