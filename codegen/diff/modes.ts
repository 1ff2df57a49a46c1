/** Compatibility modes of `eventspec diff`, a schema registry's: who upgrades first (see diff.ts). */
export type CompatibilityMode = 'backward' | 'forward' | 'full';
export const COMPATIBILITY_MODES: readonly CompatibilityMode[] = ['backward', 'forward', 'full'];
