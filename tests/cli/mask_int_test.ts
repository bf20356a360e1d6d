import assert from "node:assert/strict";
import { integerHash } from "../../cli/mask/int_permute.ts";
import { hmac } from "../../cli/mask/maskers.ts";

const KEY = "test-key-0123456789abcdef";
const hash = (key = KEY, domain = "default") =>
  integerHash((...parts) => hmac(key, ...parts), domain);

Deno.test("integerHash() maps 1..100000 to distinct 32-bit positive integers", () => {
  const h = hash();
  const seen = new Set<unknown>();
  for (let i = 1; i <= 100_000; i++) {
    const v = h(i) as number;
    assert.ok(Number.isInteger(v) && v >= 1 && v < 2 ** 31, `${i} → ${v}`);
    seen.add(v);
  }
  assert.equal(seen.size, 100_000, "a permutation: no collisions");
});

Deno.test("integerHash() is a bijection on a small band (cycle-walking stays inside)", () => {
  // Every value of 1..2^31-1 maps inside the band; sampled widely.
  const h = hash();
  for (let i = 0; i < 2000; i++) {
    const x = 2 ** 31 - 1 - i;
    const v = h(x) as number;
    assert.ok(v >= 1 && v <= 2 ** 31 - 1);
  }
});

Deno.test("integerHash() keeps the input's type, sign and size band", () => {
  const h = hash();
  assert.equal(h(0), 0);
  assert.equal(typeof h(42), "number");
  assert.equal(h("42"), String(h(42)));
  assert.equal(h(42n), BigInt(h(42) as number));
  assert.equal(h(-42), -(h(42) as number));
  const big = h("9000000000000000000") as string;
  assert.match(big, /^\d+$/);
  assert.ok(BigInt(big) >= 2n ** 31n && BigInt(big) < 2n ** 63n);
  assert.throws(() => h("12.5"), /not an integer/);
  assert.throws(() => h("99999999999999999999"), /does not fit a 64-bit integer/);
});

Deno.test("integerHash() depends on the key and the domain", () => {
  const a = hash(), b = hash("another-key-0123456789abcdef"), c = hash(KEY, "other");
  const xs = Array.from({ length: 50 }, (_, i) => i + 1);
  assert.notDeepEqual(xs.map(a), xs.map(b));
  assert.notDeepEqual(xs.map(a), xs.map(c));
  assert.deepEqual(xs.map(a), xs.map(hash()));
});
