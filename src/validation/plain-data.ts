/**
 * The one rule for what a payload may be: JSON data. Every entry point (emit, ingest,
 * parsePayload, isPayload, fromCloudEvent, the readers) first takes a deeply frozen copy of the
 * value by this rule, and validation then judges that copy, which is exactly what is stored,
 * logged, audited and dispatched. So a getter, a Proxy or a prototype cannot show the validator
 * one value and the audit another.
 *
 * Taken: plain objects (prototype `Object.prototype` or `null`; their own enumerable string
 * keys), arrays without holes, strings, finite numbers, booleans, null. Normalised as JSON
 * writes them: an object member that is `undefined` is left out, `-0` becomes `0`. Refused with
 * the path and the reason: anything else (class instances, `Date`, `Map`, typed arrays, functions,
 * symbols, bigints, `NaN`, `±Infinity`, `undefined` in an array, holes), and values nested
 * deeper than `MAX_PAYLOAD_DEPTH` (which also catches an object that contains itself).
 */
import type { PayloadIssue } from '../events/errors.ts';

/**
 * How deep a payload may nest (the payload itself is level 0). Deep enough for any event a
 * person designs, shallow enough that validation, the copy, JSON and the redactor never run out
 * of stack on any value that passes.
 */
export const MAX_PAYLOAD_DEPTH = 256;

/** Why a value is not JSON data, and where: thrown inside the copy, turned into an issue at the top. */
class Refusal {
  readonly path: (string | number)[] = [];
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

function describe(value: object): string {
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  if (value instanceof Date) return 'a Date is not JSON data: pass date.toISOString()';
  if (value instanceof Map || value instanceof Set) return `a ${value instanceof Map ? 'Map' : 'Set'} is not JSON data: pass a plain object or an array`;
  if (ArrayBuffer.isView(value)) return `a ${String(name)} is not JSON data: pass an array of numbers or a base64 string`;
  return typeof name === 'string' && name !== ''
    ? `an instance of ${name} is not plain data: pass its fields as a plain object`
    : 'an object with a prototype of its own is not plain data: pass its fields as a plain object';
}

/**
 * A prototype that is `Object.prototype` or `Array.prototype` of another realm (a `vm` context,
 * an iframe): objects made there by literals or JSON.parse are plain data too.
 */
export function isRealmPrototype(prototype: unknown, name: 'Object' | 'Array'): boolean {
  if (typeof prototype !== 'object' || prototype === null) return false;
  const constructor = (prototype as { constructor?: unknown }).constructor;
  if (typeof constructor !== 'function' || constructor.name !== name || constructor.prototype !== prototype) return false;
  // A class named Object or Array is not one: the realm's own constructors are native code.
  if (!/\{\s*\[native code\]\s*\}$/.test(Function.prototype.toString.call(constructor))) return false;
  const above: unknown = Object.getPrototypeOf(prototype);
  return name === 'Object' ? above === null : isRealmPrototype(above, 'Object');
}

function copyOf(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new Refusal(`${String(value)} is not a JSON number`);
      return value === 0 ? 0 : value;
    case 'object':
      break;
    case 'undefined':
      throw new Refusal('undefined is not JSON data');
    case 'function':
      throw new Refusal('a function is not JSON data');
    default:
      throw new Refusal(`a ${typeof value} is not JSON data`);
  }
  if (value === null) return null;
  if (depth >= MAX_PAYLOAD_DEPTH) throw new Refusal(`nested deeper than ${MAX_PAYLOAD_DEPTH} levels (or it contains itself)`);
  if (Array.isArray(value)) {
    const arrayPrototype: unknown = Object.getPrototypeOf(value);
    if (arrayPrototype !== Array.prototype && !isRealmPrototype(arrayPrototype, 'Array')) throw new Refusal(describe(value));
    const copy = new Array<unknown>(value.length);
    for (let index = 0; index < value.length; index++) {
      if (!(index in value)) throw at(new Refusal('a hole in an array is not JSON data'), index);
      try {
        copy[index] = copyOf(value[index], depth + 1);
      } catch (error) {
        throw at(error, index);
      }
    }
    return Object.freeze(copy);
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null && !isRealmPrototype(prototype, 'Object')) throw new Refusal(describe(value));
  const copy: Record<string, unknown> = {};
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    let item: unknown;
    try {
      // Read once: a getter or a Proxy trap gives the copy one value, and the copy is what is judged.
      item = record[key];
      if (item === undefined) continue;
      item = copyOf(item, depth + 1);
    } catch (error) {
      throw at(error, key);
    }
    // An own `__proto__` key (JSON.parse makes them) must stay a key, not become the prototype.
    if (key === '__proto__') Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
    else copy[key] = item;
  }
  return Object.freeze(copy);
}

function at(error: unknown, part: string | number): Refusal {
  const refusal = error instanceof Refusal ? error : new Refusal(`reading it threw: ${error instanceof Error ? error.message : String(error)}`);
  refusal.path.unshift(part);
  return refusal;
}

/**
 * A deeply frozen copy of `value` by the rule above, or the issue that says why it is not JSON
 * data and where. The argument itself is left untouched.
 */
export function plainCopy(value: unknown): { readonly value: unknown } | { readonly issue: PayloadIssue } {
  try {
    return { value: copyOf(value, 0) };
  } catch (error) {
    const refusal = error instanceof Refusal ? error : new Refusal(`reading it threw: ${error instanceof Error ? error.message : String(error)}`);
    return { issue: { path: refusal.path, message: refusal.message } };
  }
}

/**
 * Freezes a validator's output in place. zod builds new objects and arrays for the shapes it
 * knows and passes the rest of its input through; the input is a frozen `plainCopy`, so any node
 * already frozen is ours and complete.
 */
export function freezeOutput<T>(output: T): T {
  if (typeof output !== 'object' || output === null || Object.isFrozen(output)) return output;
  if (Array.isArray(output)) {
    for (const item of output) freezeOutput(item);
  } else {
    for (const key in output) freezeOutput((output as Record<string, unknown>)[key]);
  }
  return Object.freeze(output);
}
