/** Deeply frozen values, so an event never shares a mutable object with its emitter. */

function copyKey(target: Record<string, unknown>, key: string, value: unknown): void {
  // An own `__proto__` key (JSON.parse makes them) must stay a key, not become the prototype.
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** A deeply frozen copy of a JSON-like value; the argument itself is left untouched. */
export function frozenCopy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return Object.freeze(value.map(frozenCopy)) as T;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copyKey(copy, key, frozenCopy((value as Record<string, unknown>)[key]));
  return Object.freeze(copy) as T;
}

/**
 * Freezes a validator's output in place. zod builds new objects and arrays for the shapes it
 * knows, but passes some values through untouched (open objects' extra keys, `{}` schemas):
 * any node that is still the caller's own object is copied instead, so the caller's objects
 * are never frozen or shared.
 */
export function freezeOwnedOutput<T>(output: T, input: unknown): T {
  if (typeof output !== 'object' || output === null) return output;
  if (output === input) return frozenCopy(output);
  const source = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  if (Array.isArray(output)) {
    for (let i = 0; i < output.length; i++) output[i] = freezeOwnedOutput(output[i], (source as unknown as unknown[])[i]);
  } else {
    const record = output as Record<string, unknown>;
    // for-in rather than Object.keys: no array per object, and zod's outputs are plain objects.
    for (const key in record) {
      const item = record[key];
      if (typeof item === 'object' && item !== null) {
        const owned = freezeOwnedOutput(item, source[key]);
        if (owned !== item) copyKey(record, key, owned);
      }
    }
  }
  return Object.freeze(output);
}
