import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { KeyedHmac, sha256 } from "../../cli/mask/hmac.ts";

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");

Deno.test("mask's HMAC-SHA-256 equals node:crypto's for keys and messages of every length", () => {
  const keys = ["k", "a-key-of-sixteen", "x".repeat(64), "long key ".repeat(20), "clé ünïcødé 🔑"];
  const messages = [""];
  for (let n = 1; n <= 200; n++) messages.push("m".repeat(n));
  messages.push("ümlaut\0zero 🎉", "é".repeat(70), "a".repeat(1000));
  for (const key of keys) {
    const mine = new KeyedHmac(key);
    for (const m of messages) {
      const want = createHmac("sha256", key).update(m).digest("hex");
      assert.equal(hex(mine.digest(m)), want, `key ${key.length}, message ${m.length}`);
    }
  }
  // RFC 4231 test case 2.
  assert.equal(
    hex(new KeyedHmac("Jefe").digest("what do ya want for nothing?")),
    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
  );
  for (const m of messages) {
    const bytes = new TextEncoder().encode(m);
    assert.equal(hex(sha256(bytes)), createHash("sha256").update(bytes).digest("hex"));
  }
});

Deno.test("mask's HMAC of parts equals node:crypto's of the parts joined by a zero byte", () => {
  const texts = ["", "a", "\0", "ü", "é".repeat(30), "😀", "\ud800", "x\udc00", "\ud83d", "日本"];
  for (let n = 50; n <= 70; n++) texts.push("p".repeat(n));
  texts.push("q".repeat(300), "ß".repeat(200));
  const key = "a-key-of-sixteen+";
  const mine = new KeyedHmac(key);
  for (const a of texts) {
    for (const b of texts.slice(0, 12)) {
      for (const c of [undefined, "", "0", "17", "\ude00"]) {
        const parts = c === undefined ? [a, b] : [a, b, c];
        mine.start(parts[0]!);
        for (const p of parts.slice(1)) mine.part(p);
        const words = mine.words();
        const want = createHmac("sha256", key).update(parts.join("\0")).digest();
        const got = new Uint8Array(32);
        const view = new DataView(got.buffer);
        for (let i = 0; i < 8; i++) view.setInt32(i * 4, words[i]!);
        assert.equal(hex(got), want.toString("hex"), JSON.stringify(parts));
      }
    }
  }
});
