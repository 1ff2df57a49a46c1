/** The shape the injection test expects of the module it generates from a hostile catalogue. */
import type { EventRegistry } from '../../src/index.ts';

export declare const eventRegistry: EventRegistry<{ 'evil.happened': unknown }>;
