/**
 * The shared UTF-8 pieces against TextEncoder: every code point of the
 * Basic Multilingual Plane outside the surrogates, every 97th above it, and
 * pairs told from lone surrogates.
 */
import assert from "node:assert/strict";
import { pairAt, putUtf8 } from "../../../plugins/_shared/utf8.ts";

const encoder = new TextEncoder();

Deno.test("putUtf8 writes what TextEncoder writes, for every code point from 0x80", () => {
  const buf = new Uint8Array(4);
  for (let cp = 0x80; cp <= 0x10ffff; cp += cp < 0x10000 ? 1 : 97) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const end = putUtf8(buf, 0, cp);
    assert.deepEqual(
      buf.subarray(0, end),
      encoder.encode(String.fromCodePoint(cp)),
      cp.toString(16),
    );
  }
});

Deno.test("pairAt reads a surrogate pair and refuses lone surrogates", () => {
  assert.equal(pairAt("😀", 0), 0x1f600);
  assert.equal(pairAt("a😀", 1), 0x1f600);
  assert.equal(pairAt("\u{10ffff}", 0), 0x10ffff);
  assert.equal(pairAt("😀", 1), -1, "a low surrogate starts no pair");
  assert.equal(pairAt("\ud83d", 0), -1, "a high surrogate at the end");
  assert.equal(pairAt("\ud83d\ud83d", 0), -1, "two highs");
  assert.equal(pairAt("\ud83dx", 0), -1);
  assert.equal(pairAt("a", 0), -1);
});
