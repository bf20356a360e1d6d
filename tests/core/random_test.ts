import assert from "node:assert/strict";
import { hashKey, Random, unitAt } from "../../core/random.ts";

Deno.test("Random gives the same stream for the same key and index", () => {
  const a = new Random(), b = new Random();
  a.reseed(123, 456_789);
  b.reseed(123, 456_789);
  for (let i = 0; i < 100; i++) assert.equal(a.uint32(), b.uint32());
});

Deno.test("Random streams differ across neighbouring rows and keys", () => {
  const r = new Random();
  const firsts = new Set<number>();
  for (let i = 0; i < 10_000; i++) {
    r.reseed(7, i);
    firsts.add(r.uint32());
  }
  for (let k = 0; k < 1000; k++) {
    r.reseed(k, 0);
    firsts.add(r.uint32());
  }
  assert.ok(firsts.size > 10_990, `only ${firsts.size} distinct first draws`);
});

Deno.test("Random.next is uniform on [0, 1)", () => {
  const r = new Random();
  const bins = new Array(10).fill(0);
  const n = 100_000;
  for (let i = 0; i < n; i++) {
    r.reseed(99, i);
    const v = r.next();
    assert.ok(v >= 0 && v < 1);
    bins[Math.floor(v * 10)]++;
  }
  for (const b of bins) assert.ok(Math.abs(b - n / 10) < n / 10 * 0.05, `bin ${b}`);
});

Deno.test("Random.int stays within bounds, both inclusive", () => {
  const r = new Random();
  r.reseed(1, 1);
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) seen.add(r.int(3, 5));
  assert.deepEqual([...seen].sort(), [3, 4, 5]);
});

Deno.test("Random handles row indexes beyond 2^32", () => {
  const r = new Random();
  r.reseed(5, 2 ** 40 + 1);
  const a = r.uint32();
  r.reseed(5, 1);
  assert.notEqual(a, r.uint32());
});

Deno.test("next stays usable when detached, as faker calls it", () => {
  const r = new Random();
  r.reseed(1, 2);
  const next = r.next;
  assert.equal(typeof next(), "number");
});

Deno.test("hashKey separates its parts", () => {
  assert.notEqual(hashKey("ab", "c"), hashKey("a", "bc"));
  assert.notEqual(hashKey(42), hashKey("42"));
  assert.equal(hashKey(1, "x"), hashKey(1, "x"));
});

Deno.test("unitAt is a pure function of key and index", () => {
  assert.equal(unitAt(3, 10), unitAt(3, 10));
  assert.notEqual(unitAt(3, 10), unitAt(3, 11));
});
