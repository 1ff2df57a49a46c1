/**
 * ULIDs that stay cheap at any emit rate. The `ulid` package's own `ulid()` asks the system for
 * randomness one character at a time (tens of microseconds per id); here randomness comes from a
 * pooled buffer refilled 4 KiB at a time, and ids made in the same millisecond are monotonic.
 */
import { randomFillSync } from 'node:crypto';
import { encodeTime, incrementBase32 } from 'ulid';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_LENGTH = 16;

/** Makes a new ULID for each call; `time` (ms since the epoch) saves a clock read when the caller has one. */
export type IdGenerator = (time?: number) => string;

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

  // The first 8 of the 10 time characters change once every 1,024 ms: encode them only then.
  let timeHigh = -1;
  let timeHighPart = '';
  return (time = now()) => {
    if (time === lastTime) {
      // Monotonic within a millisecond: add one to the random part (most often, to its last digit).
      const last = CROCKFORD.indexOf(randomPart.charAt(RANDOM_LENGTH - 1));
      randomPart = last < 31 ? randomPart.slice(0, -1) + CROCKFORD.charAt(last + 1) : incrementBase32(randomPart);
    } else {
      lastTime = time;
      const high = Math.floor(time / 1024);
      if (high !== timeHigh) {
        timeHigh = high;
        timeHighPart = encodeTime(time, 10).slice(0, 8);
      }
      timePart = timeHighPart + CROCKFORD[Math.floor(time / 32) % 32] + CROCKFORD[time % 32];
      randomPart = freshRandom();
    }
    return timePart + randomPart;
  };
}
