/**
 * ULIDs that stay cheap at any emit rate. The `ulid` package's own `ulid()` asks the system for
 * randomness one character at a time (tens of microseconds per id); here randomness comes from a
 * pooled buffer refilled 4 KiB at a time, and ids made in the same millisecond are monotonic.
 */
import { randomFillSync } from 'node:crypto';
import { encodeTime, incrementBase32 } from 'ulid';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_LENGTH = 16;

/** Makes a new ULID for each call. */
export type IdGenerator = () => string;

export function createIdGenerator(now: () => number = Date.now): IdGenerator {
  const pool = new Uint8Array(4096);
  let offset = pool.length;
  let lastTime = -1;
  let timePart = '';
  let randomPart = '';

  const freshRandom = (): string => {
    if (offset + RANDOM_LENGTH > pool.length) {
      randomFillSync(pool);
      offset = 0;
    }
    let text = '';
    // 256 is a multiple of 32, so the low five bits of a random byte are uniform.
    for (let i = 0; i < RANDOM_LENGTH; i++) text += CROCKFORD[(pool[offset + i] ?? 0) & 31];
    offset += RANDOM_LENGTH;
    return text;
  };

  return () => {
    const time = now();
    if (time === lastTime) {
      randomPart = incrementBase32(randomPart);
    } else {
      lastTime = time;
      timePart = encodeTime(time, 10);
      randomPart = freshRandom();
    }
    return timePart + randomPart;
  };
}
