// "Did you mean": the closest of a few known words to one a person typed, if it is close enough to be a typo.

/**
 * Edit distance counting insertions, deletions, substitutions and swaps of two neighbouring letters as one edit each
 * (optimal string alignment), the typos people make: `rnu` is 1 from `run`.
 */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate closest to `typed`, or undefined when none is within a typo's reach: one edit, or a third of the word
 * for longer ones. Leading dashes do not count (`--bogus` is not a typo of `--logs`). Ties go to the alphabetically
 * first, so the answer is stable.
 */
export function closest(typed: string, candidates: readonly string[]): string | undefined {
  const bare = (word: string) => word.replace(/^-+/, '');
  const word = bare(typed);
  const best = candidates
    .map((candidate) => ({ candidate, d: editDistance(word, bare(candidate)) }))
    .sort((a, b) => a.d - b.d || a.candidate.localeCompare(b.candidate))[0];
  return best && best.d <= Math.max(1, Math.floor(word.length / 3)) ? best.candidate : undefined;
}
