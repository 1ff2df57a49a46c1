/**
 * Standard Schema v1 (standardschema.dev) for each event's payload, so frameworks that take any
 * such validator (tRPC, Hono, TanStack Form, Trigger.dev, Inngest) take the catalogue's. The
 * interface is the spec's own, copied as the spec asks implementers to (no dependency). Backed
 * by `validatePayload`: the plain-data copy, the generated fast check, and zod's issues only for
 * a value the check rejects.
 */
import type { EventRegistry } from '../bus/bus.ts';
import { EventValidationError } from '../events/errors.ts';
import { definitionOf, unknownType, validatePayload } from './validate-payload.ts';

/** The Standard Schema v1 interface (see https://standardschema.dev). */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': StandardSchemaProps<Input, Output>;
}

export interface StandardSchemaProps<Input = unknown, Output = Input> {
  readonly version: 1;
  readonly vendor: string;
  readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
  readonly types?: { readonly input: Input; readonly output: Output } | undefined;
}

export type StandardResult<Output> = { readonly value: Output; readonly issues?: undefined } | { readonly issues: readonly StandardIssue[] };

export interface StandardIssue {
  readonly message: string;
  readonly path?: readonly PropertyKey[] | undefined;
}

/**
 * The payload of event type `type` as a Standard Schema: `validate` gives the validated, frozen
 * payload, or issues with paths. Synchronous.
 * @example const input = standardSchema(eventRegistry, 'plan.created'); // tRPC: .input(input)
 */
export function standardSchema<M, T extends keyof M & string>(registry: EventRegistry<M>, type: T): StandardSchemaV1<M[T], M[T]> {
  const definition = definitionOf(registry, type);
  if (definition === undefined) throw unknownType(type, 0, registry);
  return {
    '~standard': {
      version: 1,
      vendor: 'eventspec',
      validate: (value) => {
        try {
          return { value: validatePayload(definition, type, value) as M[T] };
        } catch (error) {
          if (!(error instanceof EventValidationError)) throw error;
          return { issues: error.issues.map((issue) => ({ message: issue.message, path: issue.path })) };
        }
      },
    },
  };
}
