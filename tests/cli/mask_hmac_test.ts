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
