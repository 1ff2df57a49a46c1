/**
 * Items of an async iterable handled one at a time, in order, while the next ones are already
 * taken and prepared (`prepare` runs as each arrives): the consumer's loop, which asks the handled
 * record about waiting messages while it handles the one in hand. At most `limit` items wait, so
 * the rest stay with their source.
 */
export interface ReadAhead<T, P> {
  readonly limit: number;
  prepare(item: T): P;
  handle(item: T, prepared: P): Promise<void>;
  /** Checked before each item is taken and handled: true ends the loop, leaving what waits unhandled. */
  stopped(): boolean;
}

export async function readAhead<T, P>(source: AsyncIterable<T>, how: ReadAhead<T, P>): Promise<void> {
  const waiting: { readonly item: T; readonly prepared: P }[] = [];
  let wake: (() => void) | undefined;
  let more: (() => void) | undefined;
  let ended = false;
  const reading = (async () => {
    try {
      for await (const item of source) {
        if (how.stopped()) break;
        waiting.push({ item, prepared: how.prepare(item) });
        wake?.();
        while (waiting.length >= how.limit && !how.stopped()) await new Promise<void>((resolve) => (more = resolve));
      }
    } finally {
      ended = true;
      wake?.();
    }
  })();
  for (;;) {
    const next = waiting.shift();
    if (next === undefined) {
      if (ended || how.stopped()) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      continue;
    }
    more?.();
    more = undefined;
    if (how.stopped()) break;
    await how.handle(next.item, next.prepared);
  }
  more?.();
  await reading;
}
