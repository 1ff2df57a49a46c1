/**
 * The generated interface and the generated zod schema of each event describe the same shape:
 * checked at the type level for every event of the catalogue (by `npm run typecheck`).
 * zod's output types are mutable and give optional fields `| undefined`; both sides are
 * normalised for those two differences, which are not differences in the accepted values.
 */
import type * as z from 'zod/v4';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type * as generated from '../generated/index.ts';
import { EVENT_TYPES, type EventType, type PayloadMap } from '../generated/index.ts';

type Normal<T> = T extends readonly (infer Item)[]
  ? Normal<Item>[]
  : T extends object
    ? { -readonly [K in keyof T]: Normal<Exclude<T[K], undefined>> }
    : T;

type SnakeToPascal<S extends string> = S extends `${infer Head}_${infer Rest}` ? `${Capitalize<Head>}${SnakeToPascal<Rest>}` : Capitalize<S>;
type Pascal<S extends string> = S extends `${infer Head}.${infer Rest}` ? `${SnakeToPascal<Head>}${Pascal<Rest>}` : SnakeToPascal<S>;

type SchemaOf<T extends EventType> = (typeof generated)[`${Pascal<T>}PayloadSchema` & keyof typeof generated];
type Agrees<T extends EventType> = [Normal<z.output<SchemaOf<T>>>] extends [Normal<PayloadMap[T]>]
  ? [Normal<PayloadMap[T]>] extends [Normal<z.output<SchemaOf<T>>>]
    ? true
    : false
  : false;

/** Every event type whose schema and interface disagree; `never` when all agree. */
type Disagreeing = { [T in EventType]: Agrees<T> extends true ? never : T }[EventType];

describe('schemas and interfaces', () => {
  it('agree for every event of the catalogue', () => {
    expectTypeOf<Disagreeing>().toEqualTypeOf<never>();
    // The check above covers exactly the catalogue's event types.
    expect(EVENT_TYPES).toHaveLength(38);
  });

  it('would notice a disagreement', () => {
    type Wrong = [Normal<{ a: string }>] extends [Normal<{ a: number }>] ? true : false;
    expectTypeOf<Wrong>().toEqualTypeOf<false>();
    type OptionalVersusRequired = [Normal<{ a?: string }>] extends [Normal<{ a: string }>] ? true : false;
    expectTypeOf<OptionalVersusRequired>().toEqualTypeOf<false>();
  });
});
