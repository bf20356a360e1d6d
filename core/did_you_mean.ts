/**
 * Suggestions for misspelt names ("did you mean ...?").
 *
 * @module
 */

/**
 * The Damerau–Levenshtein (optimal string alignment) distance of two
 * strings: insertions, deletions, substitutions and swaps of neighbours.
 *
 * @param a One string.
 * @param b The other.
 * @returns The number of edits between them.
 * @example
 * ```ts
 * import { editDistance } from "./did_you_mean.ts";
 * editDistance("fakr", "faker"); // 1
 * ```
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1, cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, () => new Array(cols).fill(0));
  for (let i = 0; i < rows; i++) d[i]![0] = i;
  for (let j = 0; j < cols; j++) d[0]![j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The closest candidate to a misspelt name, if one is close enough (at most
 * a third of the name's length in edits, case-insensitively).
 *
 * @param name What the user wrote.
 * @param candidates What exists.
 * @returns The best candidate, or `undefined`.
 * @example
 * ```ts
 * import { closest } from "./did_you_mean.ts";
 * closest("custmers", ["customers", "orders"]); // "customers"
 * ```
 */
export function closest(
  name: string,
  candidates: readonly string[],
): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    const score = editDistance(lower, c.toLowerCase());
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  const limit = Math.max(1, Math.ceil(name.length / 3));
  if (bestScore <= limit) return best;
  // "generate" for "gen", "seq" for "sequence": one is the start of the other.
  for (const c of candidates) {
    const a = c.toLowerCase();
    if (Math.min(a.length, lower.length) >= 3 && (a.startsWith(lower) || lower.startsWith(a))) {
      return c;
    }
  }
  return undefined;
}

/**
 * A hint for a misspelt name: `did you mean "x"?`, or the list of what is
 * available when nothing is close.
 *
 * @param name What the user wrote.
 * @param candidates What exists.
 * @param what What the candidates are, for the fallback ("generators").
 * @returns A hint sentence.
 * @example
 * ```ts
 * import { didYouMean } from "./did_you_mean.ts";
 * didYouMean("csvv", ["csv", "json"], "formats"); // 'did you mean "csv"?'
 * ```
 */
export function didYouMean(
  name: string,
  candidates: readonly string[],
  what: string,
): string {
  const best = closest(name, candidates);
  if (best !== undefined) return `did you mean "${best}"?`;
  return `available ${what}: ${listOf(candidates)}`;
}

/**
 * A short, sorted list for messages, elided after 20 entries.
 *
 * @param names The names.
 * @returns e.g. `csv, json, jsonl`.
 * @example
 * ```ts
 * import { listOf } from "./did_you_mean.ts";
 * listOf(["b", "a"]); // "a, b"
 * ```
 */
export function listOf(names: readonly string[]): string {
  const sorted = [...names].sort();
  if (sorted.length <= 20) return sorted.join(", ");
  return sorted.slice(0, 20).join(", ") + `, … (${sorted.length - 20} more)`;
}
