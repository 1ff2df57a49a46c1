/**
 * Patterns that can backtrack for a super-linear time, found by scslre (the analyser behind
 * eslint-plugin-regexp's `no-super-linear-backtracking`; measured against recheck, safe-regex2
 * and redos-detector on known-bad and real patterns, it was the one both right and fast enough
 * to run on every keystroke: ~1 ms a pattern, no false alarm, no native binary).
 * The generated checks test lengths before patterns, so `maxLength` bounds the damage; without
 * one, a hostile input can hold a validator for seconds.
 */
import { analyse } from 'scslre';

export interface Backtracking {
  /** The part of the pattern that backtracks, as written. */
  readonly part: string;
  /** A character whose repetition triggers it. */
  readonly character: string;
  readonly exponential: boolean;
  /** An equivalent pattern without this cause, when the analyser can write one. */
  readonly fix: string | undefined;
}

// A language server lints on every keystroke; a pattern's verdict never changes.
const verdicts = new Map<string, Backtracking | undefined>();

function analysed(pattern: string): Backtracking | undefined {
  let result: ReturnType<typeof analyse>;
  try {
    result = analyse({ source: pattern, flags: 'u' }, { maxReports: 1 });
  } catch {
    return undefined; // not a valid pattern: `invalid-pattern` says so
  }
  const report = result.reports[0];
  if (report === undefined) return undefined;
  const part = report.type === 'Trade' ? `${report.startQuant.raw}` + ` … ${report.endQuant.raw}` : report.type === 'Self' ? report.parentQuant.raw : report.quant.raw;
  const fixed = report.fix();
  return { part, character: report.character.pick, exponential: report.exponential, fix: fixed === undefined ? undefined : fixed.source };
}

/** How `pattern` can backtrack super-linearly, or undefined when it cannot (or is not valid). */
export function backtracking(pattern: string): Backtracking | undefined {
  if (verdicts.has(pattern)) return verdicts.get(pattern);
  const verdict = analysed(pattern);
  if (verdicts.size > 10_000) verdicts.clear();
  verdicts.set(pattern, verdict);
  return verdict;
}
