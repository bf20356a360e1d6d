import assert from "node:assert/strict";
import { Random } from "../../../core/random.ts";
import {
  poissonSampler,
  rangeSampler,
  ZipfSampler,
} from "../../../plugins/_shared/distributions.ts";
import { Permutation } from "../../../plugins/_shared/permutation.ts";

function draws(n: number, draw: (r: Random) => number, key = 99): number[] {
  const r = new Random();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    r.reseed(key, i);
    out.push(draw(r));
  }
  return out;
}

Deno.test("ZipfSampler matches the Zipf probabilities for several exponents", () => {
  for (const s of [0.5, 1, 1.5, 3]) {
    const n = 10, total = 50_000;
    const zipf = new ZipfSampler(n, s);
    const counts = new Array(n + 1).fill(0);
    for (const k of draws(total, (r) => zipf.sample(r))) counts[k]++;
    const h = Array.from({ length: n }, (_, i) => (i + 1) ** -s).reduce((a, b) => a + b);
    for (let k = 1; k <= n; k++) {
      const p = k ** -s / h;
      const got = counts[k] / total;
      // Within 4 standard errors.
      const tolerance = 4 * Math.sqrt(p * (1 - p) / total);
      assert.ok(Math.abs(got - p) < tolerance, `s ${s}, k ${k}: ${got} vs ${p}`);
    }
  }
});

Deno.test("ZipfSampler with one rank always gives 1", () => {
  const zipf = new ZipfSampler(1, 1.1);
  assert.ok(draws(100, (r) => zipf.sample(r)).every((k) => k === 1));
});

Deno.test("poissonSampler has mean and variance lambda on both of its methods", () => {
  for (const lambda of [0.5, 9.5, 10, 40, 1e6]) {
    const xs = draws(40_000, poissonSampler(lambda));
    const m = xs.reduce((a, b) => a + b) / xs.length;
    const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length;
    assert.ok(xs.every((x) => Number.isInteger(x) && x >= 0));
    assert.ok(
      Math.abs(m - lambda) < 5 * Math.sqrt(lambda / xs.length),
      `lambda ${lambda}: mean ${m}`,
    );
    assert.ok(Math.abs(v / lambda - 1) < 0.05, `lambda ${lambda}: variance ${v}`);
  }
});

Deno.test("rangeSampler clamps after a few redraws, so values never leave the range", () => {
  // A normal centred far outside the range: most draws are redrawn, then clamped.
  const sample = rangeSampler({ normal: { mean: 1000, sd: 1 } }, {
    min: 0,
    max: 10,
    integer: false,
  });
  assert.ok(draws(1000, sample).every((v) => v === 10));
});

Deno.test("Permutation is a bijection of [0, n) for many sizes", () => {
  for (const n of [1, 2, 3, 4, 5, 7, 16, 17, 100, 1000, 4097]) {
    const p = new Permutation(n, 12345);
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) {
      const y = p.at(i);
      assert.ok(Number.isInteger(y) && y >= 0 && y < n, `n ${n}: ${y}`);
      seen.add(y);
    }
    assert.equal(seen.size, n, `n ${n}`);
  }
});

Deno.test("Permutation tweaks and keys give other orders", () => {
  const a = new Permutation(1000, 1), b = new Permutation(1000, 2);
  const order = (p: Permutation, tweak = 0) =>
    Array.from({ length: 1000 }, (_, i) => p.at(i, tweak));
  assert.notDeepEqual(order(a), order(b));
  assert.notDeepEqual(order(a), order(a, 1));
  assert.equal(new Set(order(a, 7)).size, 1000);
  // Not the identity, nor an obvious progression.
  assert.ok(order(a).filter((y, i) => y === i).length < 10);
});
