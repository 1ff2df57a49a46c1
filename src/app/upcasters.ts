/**
 * How this platform reads events its earlier deployments wrote: one function per step the
 * catalogue says takes code (`upcast:` on the older version). The generated `Upcasters` type
 * lists them, so a step left out here, or one that returns the wrong shape, does not compile.
 */
import { defineUpcasters } from '../../generated/index.ts';

export const upcaster = defineUpcasters({
  'session.message_sent': {
    // Version 2 → 3: `text` renamed to `content`.
    v2: ({ text, ...rest }) => ({ ...rest, content: text }),
  },
});
