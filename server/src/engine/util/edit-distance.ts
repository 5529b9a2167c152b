/**
 * Edit distance and "did you mean" lookup, shared by every check that suggests a
 * correction for a misspelt name (field names, type names, protocol names, ...).
 */

/**
 * Damerau-Levenshtein distance between `a` and `b` (unrestricted variant, Lowrance-Wagner):
 * the minimum number of insertions, deletions, substitutions and transpositions of two
 * adjacent characters needed to turn one into the other. Case-sensitive; compares Unicode
 * code points, not UTF-16 code units.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const s = Array.from(a);
  const t = Array.from(b);
  const m = s.length;
  const n = t.length;
  if (m === 0) return n;
  if (n === 0) return m;

  const inf = m + n;
  // d is (m + 2) x (n + 2); row/column 0 hold the "infinity" sentinel, d[i + 1][j + 1] is
  // the distance between the first i characters of s and the first j characters of t.
  const d: number[][] = [];
  for (let i = 0; i < m + 2; i++) d.push(new Array<number>(n + 2).fill(0));
  d[0]![0] = inf;
  for (let i = 0; i <= m; i++) {
    d[i + 1]![0] = inf;
    d[i + 1]![1] = i;
  }
  for (let j = 0; j <= n; j++) {
    d[0]![j + 1] = inf;
    d[1]![j + 1] = j;
  }

  /** Last row (1-based) in which each character of s was seen. */
  const lastRow = new Map<string, number>();
  for (let i = 1; i <= m; i++) {
    const si = s[i - 1]!;
    let lastMatchCol = 0;
    for (let j = 1; j <= n; j++) {
      const tj = t[j - 1]!;
      const i1 = lastRow.get(tj) ?? 0;
      const j1 = lastMatchCol;
      let cost = 1;
      if (si === tj) {
        cost = 0;
        lastMatchCol = j;
      }
      d[i + 1]![j + 1] = Math.min(
        d[i]![j]! + cost, // substitution (or match)
        d[i + 1]![j]! + 1, // insertion
        d[i]![j + 1]! + 1, // deletion
        d[i1]![j1]! + (i - i1 - 1) + 1 + (j - j1 - 1), // transposition
      );
    }
    lastRow.set(si, i);
  }
  return d[m + 1]![n + 1]!;
}

/** The default "too far to be a typo" bound for `word`: max(2, floor(length / 3)). */
export function defaultMaxDistance(word: string): number {
  return Math.max(2, Math.floor(Array.from(word).length / 3));
}

/**
 * The candidate `word` most plausibly is a misspelling of, or undefined when none is close.
 *
 * 1. A candidate equal to `word` ignoring case wins outright (an exact-case match first).
 * 2. Otherwise the candidate with the smallest {@link editDistance} to `word`, compared
 *    case-insensitively; ties go to the smaller case-sensitive distance, then to the
 *    candidate that comes first in `candidates`.
 *
 * A candidate is accepted only if its distance is at most `maxDistance` (default
 * {@link defaultMaxDistance}) and smaller than the length of `word` (a "correction" that
 * rewrites every character of the word is not a near miss).
 *
 * The distance is at least the difference of the lengths, so a candidate whose length differs from the word's by
 * more than the bound is skipped without computing it: the time is bounded by the candidates' lengths, whatever
 * the word's (a 1 MB unknown key costs a look at its length, not a 1 MB × candidate matrix).
 */
export function closest(candidates: Iterable<string>, word: string, maxDistance?: number): string | undefined {
  const limit = maxDistance ?? defaultMaxDistance(word);
  const wordLength = Array.from(word).length;
  const lowerWord = word.toLowerCase();
  const lowerWordLength = Array.from(lowerWord).length;

  let caseInsensitive: string | undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  let bestExactDistance = Infinity;

  for (const candidate of candidates) {
    if (candidate === word) return candidate;
    const lowerCandidate = candidate.toLowerCase();
    if (lowerCandidate === lowerWord) {
      caseInsensitive ??= candidate;
      continue;
    }
    if (caseInsensitive !== undefined) continue; // only an exact-case match can beat it now
    if (Math.abs(Array.from(lowerCandidate).length - lowerWordLength) > limit) continue; // too far, whatever the letters
    const distance = editDistance(lowerWord, lowerCandidate);
    if (distance > limit || distance >= wordLength || distance > bestDistance) continue;
    const exactDistance = editDistance(word, candidate);
    if (distance < bestDistance || exactDistance < bestExactDistance) {
      best = candidate;
      bestDistance = distance;
      bestExactDistance = exactDistance;
    }
  }
  return caseInsensitive ?? best;
}
