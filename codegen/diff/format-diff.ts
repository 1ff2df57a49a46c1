/** `eventspec diff` output: a table for people, JSON for tools. */
import type { SourcePosition } from '../catalogue/diagnostics.ts';
import type { Annotation } from '../cli/format-diagnostics.ts';
import { breaks, type Change, type DiffReport } from './diff.ts';
import { impactLines, type ConsumerImpact } from './impact.ts';

export interface LocatedChange extends Change {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly breaking: boolean;
}

export function locateChanges(report: DiffReport, file: string, locate: (change: Change) => SourcePosition): LocatedChange[] {
  return report.events.flatMap((verdict) =>
    verdict.changes.map((change) => ({ ...change, file, ...locate(change), breaking: verdict.breaking.includes(change) || (change.rule === 'event-removed' && verdict.breaking.length > 0) })),
  );
}

function verdictOf(change: LocatedChange, report: DiffReport): string {
  if (change.breaking) {
    const verdict = report.events.find((each) => each.event === change.event);
    return verdict?.unacknowledged === true ? `BREAKING (${report.mode})` : `breaking (${report.mode}), version bumped`;
  }
  if (change.warning === true) return 'warning';
  return breaks(change.effect, 'full') ? `ok in ${report.mode} mode` : 'ok';
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** A version that was bumped without keeping the old one: the `previous:` entry that would keep its events readable. */
export interface KeepAdvice {
  readonly event: string;
  readonly version: number;
  /** The version bump is still to do (a breaking change without one). */
  readonly bump?: number;
  /** Whether the new catalogue's event has a `previous:` list already. */
  readonly hasHistory: boolean;
  /** The entry as YAML, indented to sit under the event's keys. */
  readonly yaml: string;
}

function adviceText(advice: readonly KeepAdvice[]): string[] {
  return advice.flatMap((each) => [
    '',
    `To keep reading \`${each.event}\` version ${each.version} events (audit files, streams, old producers)${each.bump === undefined ? '' : `, set its \`version: ${each.bump}\` and`} keep that schema ${each.hasHistory ? 'at the end of its `previous:` list' : 'under the event'}${each.yaml.includes('upcast:') ? '; say what the upcaster does, then implement it in defineUpcasters' : ''}:`,
    each.yaml.trimEnd(),
  ]);
}

export function formatDiffText(report: DiffReport, changes: readonly LocatedChange[], advice: readonly KeepAdvice[] = [], impact: readonly ConsumerImpact[] = []): string {
  if (changes.length === 0 && impact.length === 0) return `no changes (${report.mode} compatibility)`;
  const rows = changes.map((change) => [change.event, change.message, `${change.file}:${change.line}:${change.column}`, change.effect, verdictOf(change, report)]);
  const header = ['event', 'change', 'where', 'effect', 'verdict'];
  const widths = header.map((title, column) => Math.min(60, Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length))));
  const line = (cells: readonly string[]): string => cells.map((cell, column) => pad(cell, widths[column] ?? 0)).join('  ').trimEnd();
  const breaking = changes.filter((change) => change.breaking);
  const unacknowledged = report.events.filter((verdict) => verdict.unacknowledged).map((verdict) => verdict.event);
  const summary = unacknowledged.length > 0
    ? `${breaking.length} breaking change(s) in ${report.mode} mode; without a version bump: ${unacknowledged.join(', ')}. Bump each event's \`version\` (or deprecate an event before removing it).`
    : breaking.length > 0
      ? `${breaking.length} breaking change(s) in ${report.mode} mode, each acknowledged by a version bump.`
      : `no breaking changes in ${report.mode} mode.`;
  return [...(rows.length === 0 ? [] : [line(header), ...rows.map(line), '']), summary, ...impactLines(impact, report), ...adviceText(advice)].join('\n');
}

export function formatDiffJson(report: DiffReport, changes: readonly LocatedChange[], advice: readonly KeepAdvice[] = [], impact: readonly ConsumerImpact[] = []): string {
  return JSON.stringify({
    mode: report.mode,
    failed: report.failed || impact.some((each) => each.fails),
    events: report.events.map((verdict) => ({ event: verdict.event, oldVersion: verdict.oldVersion, newVersion: verdict.newVersion, unacknowledged: verdict.unacknowledged })),
    changes: changes.map(({ path: _path, ...change }) => change),
    keep: advice.map((each) => ({ event: each.event, version: each.version, ...(each.bump === undefined ? {} : { bump: each.bump }), yaml: each.yaml })),
    impact: impact.map(({ path: _path, ...each }) => each),
  }, null, 2);
}

/** `diff --format github`: each change as an annotation on the new catalogue, breaking ones as errors; what to keep as notices on the event. */
export function diffAnnotations(
  report: DiffReport,
  changes: readonly LocatedChange[],
  advice: readonly (KeepAdvice & { readonly file: string; readonly line: number; readonly column: number })[] = [],
  impact: readonly (ConsumerImpact & { readonly file: string; readonly line: number; readonly column: number })[] = [],
): Annotation[] {
  const affected = impact.map((each): Annotation => ({
    level: each.fails || each.breaks.length > 0 ? (each.fails ? 'error' : 'warning') : 'notice',
    file: each.file,
    line: each.line,
    column: each.column,
    title: each.kind === 'service-removed' ? `eventspec diff: service ${each.service ?? ''} removed` : `eventspec diff: consumers of ${each.event}`,
    message: impactLines([each], report).slice(2).join('\n').trim(),
  }));
  const keep = advice.map((each): Annotation => ({
    level: 'notice',
    file: each.file,
    line: each.line,
    column: each.column,
    title: `eventspec diff: keep ${each.event} version ${each.version}`,
    message: adviceText([each]).join('\n').trim(),
  }));
  return [...changes.map((change): Annotation => {
    const unacknowledged = change.breaking && report.events.find((each) => each.event === change.event)?.unacknowledged === true;
    const level: Annotation['level'] = unacknowledged ? 'error' : change.breaking || change.warning === true ? 'warning' : 'notice';
    const verdict = verdictOf(change, report);
    return { level, file: change.file, line: change.line, column: change.column, title: `eventspec diff: ${change.event}`, message: `${change.message} (${change.effect}; ${verdict})${unacknowledged ? ". Bump the event's `version`, or keep the old shape" : ''}` };
  }), ...keep, ...affected];
}
