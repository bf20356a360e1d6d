/**
 * The bounded-memory pieces of the report against exact answers: the
 * HyperLogLog estimate, the Space-Saving counter, the power-of-two
 * histogram (order-independent, exact counts) and a column's switch from
 * exact to estimated at the cap.
 */
import assert from "node:assert/strict";
import { HyperLogLog } from "../../core/report/hyperloglog.ts";
import { SpaceSaving } from "../../core/report/top_values.ts";
import { StreamingHistogram } from "../../core/report/histogram.ts";
import { ColumnStats, EXACT_DISTINCT_CAP } from "../../core/report/column_stats.ts";

Deno.test("HyperLogLog estimates distinct counts within 4 standard errors", () => {
  for (const n of [50, 1_000, 30_000, 300_000]) {
    const hll = new HyperLogLog();
    for (let i = 0; i < n; i++) {
      hll.add(`user-${i}@example.com`);
      hll.add(`user-${i}@example.com`); // repeats do not count
    }
    const error = Math.abs(hll.estimate() - n) / n;
    assert.ok(error <= 4 * hll.standardError, `n=${n}: estimate ${hll.estimate()}`);
  }
});

Deno.test("SpaceSaving keeps the heavy hitters of a skewed stream with upper-bound counts", () => {
  const top = new SpaceSaving(20);
  const exact = new Map<string, number>();
  // Heavy values 0-4 (every 2nd, 4th, … row) among 5,000 singletons.
  for (let i = 0; i < 10_000; i++) {
    const v = i % 2 === 0 ? `h${i % 10 === 0 ? 0 : (i % 8) / 2}` : `s${i}`;
    top.add(v);
    exact.set(v, (exact.get(v) ?? 0) + 1);
  }
  const heavy = [...exact].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([v]) => v);
  const found = top.top(3);
  assert.deepEqual(found.map((f) => f.value).sort(), [...heavy].sort());
  for (const f of found) assert.ok(f.count >= exact.get(f.value)!, "counts are upper bounds");
});

Deno.test("StreamingHistogram counts every value once whatever the order", () => {
  const values = Array.from({ length: 5_000 }, (_, i) => Math.sin(i) * 1000 + i * 0.01);
  const a = new StreamingHistogram();
  const b = new StreamingHistogram();
  for (const v of values) a.add(v);
  for (const v of [...values].reverse()) b.add(v);
  assert.deepEqual(a.result(), b.result());
  const h = a.result()!;
  assert.ok(h.counts.length <= 64);
  assert.equal(h.counts.reduce((x, y) => x + y, 0), values.length);
  for (const v of values) {
    assert.ok(v >= h.start && v < h.start + h.counts.length * h.width, `${v} inside the bins`);
  }
  // Bin k holds exactly the values in [start + k·width, start + (k+1)·width).
  const k = 10;
  const lo = h.start + k * h.width;
  assert.equal(h.counts[k], values.filter((v) => v >= lo && v < lo + h.width).length);
});

Deno.test("StreamingHistogram ends on huge magnitudes and on values either side of zero with one bin", () => {
  // Bin numbers past 2^53 (a constant 1e10 column at the first width) or past the largest double
  // (1e303) once made result() step forever; the width now grows first.
  for (
    const values of [
      [1e10],
      [1e20, 1e20 + 1e5],
      [1e303],
      [-1e308, 1e308],
      // (Below -2^1023 a bin's lower edge, -2^1024, is not a double: start is then -Infinity.)
      [Number.MAX_VALUE, 0, -8e307],
      [5, 1e300, -7],
      [1e10, -1e10],
    ]
  ) {
    const a = new StreamingHistogram();
    const b = new StreamingHistogram();
    for (const v of values) a.add(v);
    for (const v of [...values].reverse()) b.add(v);
    const h = a.result(1)!;
    assert.deepEqual(b.result(1), h, `${values}: the same bins whatever the order`);
    assert.ok(h.counts.length <= 64, `${values}`);
    assert.equal(h.counts.reduce((x, y) => x + y, 0), values.length);
    for (const v of values) {
      const k = Math.floor(v / h.width) - h.start / h.width; // start is a whole number of widths
      assert.ok(k >= 0 && k < h.counts.length && h.counts[k]! > 0, `${v} inside the bins`);
    }
  }
  // One bin cannot hold both -1 and 1 (bins never straddle zero): two is the least it can do.
  const one = new StreamingHistogram(1);
  one.add(-1);
  one.add(1);
  assert.deepEqual(one.result()?.counts, [1, 1]);
});

Deno.test("ColumnStats is exact up to the cap, then estimates and says so", () => {
  const small = new ColumnStats("v");
  for (let i = 0; i < EXACT_DISTINCT_CAP * 2; i++) small.add(i % EXACT_DISTINCT_CAP);
  const s = small.result();
  assert.deepEqual(s.distinct, { value: EXACT_DISTINCT_CAP, exact: true });
  assert.equal(s.top.exact, true);
  assert.equal(s.top.values[0]!.count, 2);
  assert.equal(s.mean, (EXACT_DISTINCT_CAP - 1) / 2);

  const big = new ColumnStats("v");
  const n = EXACT_DISTINCT_CAP * 3;
  for (let i = 0; i < n; i++) big.add(i % 7 === 0 ? "popular" : `v${i}`);
  const r = big.result();
  assert.equal(r.distinct.exact, false);
  assert.ok(Math.abs(r.distinct.value - (n - Math.ceil(n / 7) + 1)) < 0.04 * n);
  assert.equal(r.top.exact, false);
  assert.equal(r.top.values[0]!.value, "popular");
  assert.ok(r.top.values[0]!.count >= Math.ceil(n / 7));
  assert.equal(r.count, n);
  assert.equal(r.nulls, 0);
});
