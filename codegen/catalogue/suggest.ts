/** Did-you-mean: the known word nearest a mistyped one, by edit distance. */

/** Levenshtein distance, one row at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The candidate closest to `word` (case ignored), if it is close enough to be a likely typo, or
 * the one `word` begins with (`outdir` → `out`).
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  const prefix = list.filter((candidate) => candidate.length >= 3 && word.toLowerCase().startsWith(candidate.toLowerCase())).sort((a, b) => b.length - a.length)[0];
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of list) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // A third of the word's length, at least one and at most three edits.
  if (best !== undefined && bestDistance <= Math.min(3, Math.max(1, Math.floor(word.length / 3)))) return best;
  return prefix;
}
