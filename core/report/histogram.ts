/**
 * A streaming histogram with fixed-width bins whose width is a power of two,
 * aligned on multiples of it: when values spread over more than `maxBins`
 * bins, the width doubles and neighbouring bins merge. Counts stay exact;
 * no value is kept. Works for numbers and for instants (epoch ms).
 *
 * @module
 */

/** A finished histogram: `counts[k]` values in `[start + k·width, start + (k+1)·width)`. */
export interface HistogramData {
  /** Lower edge of the first bin. */
  start: number;
  /** Bin width. */
  width: number;
  /** Values per bin. */
  counts: number[];
}

/**
 * Bins numbers as they come.
 *
 * @example
 * ```ts
 * import { StreamingHistogram } from "./histogram.ts";
 * const h = new StreamingHistogram(8);
 * for (let i = 0; i < 100; i++) h.add(i);
 * h.result(); // { start: 0, width: 16, counts: [16, 16, 16, 16, 16, 16, 4] }
 * ```
 */
export class StreamingHistogram {
  // Bins k → count: sparse in a Map while bins change (or are too large to subtract exactly),
  // dense in `#dense` (bin `#lo + i` at `i`) once they hold still, the common case.
  #bins: Map<number, number> | undefined = new Map();
  #dense: Float64Array;
  #width = 2 ** -20;
  #lo = Infinity;
  #hi = -Infinity;

  /** @param maxBins Most bins kept (default 64; values either side of zero need two). */
  constructor(readonly maxBins = 64) {
    this.#dense = new Float64Array(Math.max(maxBins, 1));
  }

  /**
   * Counts a value (non-finite values are ignored).
   *
   * @param v The value.
   */
  add(v: number): void {
    if (!Number.isFinite(v)) return;
    // Bin numbers stay safe integers (a larger one is inexact, or Infinity past ~1.7e302, and
    // `result` could not step through the bins): widen first. Each bin is still floor(v / width)
    // at the final width, so order does not matter and results that worked before are the same.
    while (!(Math.abs(v / this.#width) < 2 ** 53)) this.#double();
    // Dividing by a power of two is exact, so the bin of a value never depends on order.
    const k = Math.floor(v / this.#width);
    if (k >= this.#lo && k <= this.#hi && this.#bins === undefined) {
      this.#dense[k - this.#lo]!++;
      return;
    }
    const bins = this.#sparse();
    bins.set(k, (bins.get(k) ?? 0) + 1);
    if (k < this.#lo) this.#lo = k;
    if (k > this.#hi) this.#hi = k;
    // Bins -1 and 0 never merge (they hold values either side of zero): two is the least.
    while (this.#hi - this.#lo + 1 > this.maxBins && !(this.#lo === -1 && this.#hi === 0)) {
      this.#double();
    }
    this.#densify();
  }

  /** The bins as a Map (leaving dense mode). */
  #sparse(): Map<number, number> {
    if (this.#bins) return this.#bins;
    const bins = new Map<number, number>();
    for (let i = 0; i <= this.#hi - this.#lo; i++) {
      const n = this.#dense[i]!;
      if (n > 0) bins.set(this.#lo + i, n);
    }
    return this.#bins = bins;
  }

  /** Back to dense mode when the bins fit and `k - lo` is exact. */
  #densify(): void {
    const bins = this.#bins!;
    if (
      !Number.isSafeInteger(this.#lo) || !Number.isSafeInteger(this.#hi) ||
      this.#hi - this.#lo >= this.#dense.length
    ) return;
    this.#dense.fill(0);
    for (const [k, n] of bins) this.#dense[k - this.#lo] = n;
    this.#bins = undefined;
  }

  #double(): void {
    const next = new Map<number, number>();
    for (const [k, n] of this.#sparse()) {
      const j = Math.floor(k / 2);
      next.set(j, (next.get(j) ?? 0) + n);
    }
    this.#bins = next;
    this.#width *= 2;
    this.#lo = Math.floor(this.#lo / 2);
    this.#hi = Math.floor(this.#hi / 2);
  }

  /**
   * The bins from the lowest to the highest non-empty one.
   *
   * @param minWidth Merge bins up to this width (a power of two; 1 for whole numbers).
   * @returns The histogram, or undefined when empty.
   */
  result(minWidth = 0): HistogramData | undefined {
    const bins = this.#sparse();
    if (bins.size === 0) return undefined;
    // Aligned power-of-two bins merge exactly into wider ones.
    while (this.#width < minWidth) this.#double();
    const counts: number[] = [];
    for (let k = this.#lo; k <= this.#hi; k++) counts.push(this.#bins!.get(k) ?? 0);
    return { start: this.#lo * this.#width, width: this.#width, counts };
  }
}
