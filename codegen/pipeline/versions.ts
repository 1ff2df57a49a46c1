/**
 * The steps between the kept versions of each event, judged by the rules `eventspec diff`
 * applies: a step whose new schema accepts every payload of the old one needs no code; any
 * other step must declare an upcaster (`upcast:` on the older version), which the generated
 * `Upcasters` type then requires.
 */
import type { DocPath, Finding } from '../catalogue/diagnostics.ts';
import { breaks, comparePayloads, type Change } from '../diff/diff.ts';
import type { CatalogueModel, EventModel, SchemaNode } from './model.ts';

export interface VersionStep {
  readonly event: string;
  readonly from: number;
  readonly to: number;
  /** Every change from `from` to `to`, field by field. */
  readonly changes: readonly Change[];
  /** Those that may make a payload of `from` invalid as one of `to`. */
  readonly breaking: readonly Change[];
  /** What its upcaster does, when one is declared. */
  readonly upcast?: string;
  /** Where the older version is in the catalogue. */
  readonly path: DocPath;
}

/** Each event's steps, oldest first: version 1 → 2, 2 → 3, … up to the current version. */
export function versionSteps(model: CatalogueModel, event: EventModel): VersionStep[] {
  const types = new Map(model.types.map((type) => [type.name, type]));
  const versions: { version: number; payload: SchemaNode; path: DocPath; upcast?: string }[] = [
    ...event.previous.map((previous, index) => ({ version: previous.version, payload: previous.payload, path: ['events', event.name, 'previous', index], ...(previous.upcast === undefined ? {} : { upcast: previous.upcast }) })),
    { version: event.version, payload: event.payload, path: ['events', event.name] },
  ];
  return versions.slice(0, -1).map((older, index) => {
    const newer = versions[index + 1] ?? older;
    const changes = comparePayloads(event.name, older.payload, newer.payload, types, [...newer.path, 'payload']);
    return {
      event: event.name,
      from: older.version,
      to: newer.version,
      changes,
      breaking: changes.filter((change) => breaks(change.effect, 'backward')),
      ...(older.upcast === undefined ? {} : { upcast: older.upcast }),
      path: older.path,
    };
  });
}

/** A breaking step without a declared upcaster is an error: events of the old version could not be read. */
export function checkVersionSteps(model: CatalogueModel): Finding[] {
  return model.events.filter((event) => event.previous.length > 0).flatMap((event) =>
    versionSteps(model, event)
      .filter((step) => step.breaking.length > 0 && step.upcast === undefined)
      .map((step): Finding => ({
        code: 'upcaster-missing',
        path: [...step.path, 'version'],
        message: `\`${step.event}\` version ${step.from} → ${step.to} is breaking, so its events cannot be read as version ${step.to} without code: ${step.breaking.map((change) => change.message).join('; ')}`,
        hint: step.to > step.from + 1
          ? `if events of versions ${step.from + 1}–${step.to - 1} exist, keep those schemas under \`previous\` (\`eventspec diff --against <ref>\` prints them); otherwise say what the upcaster does on version ${step.from} (\`upcast: <what changes>\`) and implement it in \`defineUpcasters\``
          : `say what the upcaster does on version ${step.from} (\`upcast: <what changes>\`), then implement it in \`defineUpcasters\` (generated upcasters.ts): the type requires it`,
      })),
  );
}
