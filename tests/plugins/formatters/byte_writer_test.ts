import assert from "node:assert/strict";
import { ByteWriter } from "../../../plugins/_shared/byte_writer.ts";

const SAMPLES = [
  "",
  'plain ascii, with "quotes"\r\n',
  "Grüße, Ærø, São Paulo",
  "東京都千代田区",
  "emoji 😀 and 👩‍👩‍👧 family",
  "lone \ud800 high and \udc00 low surrogates, and one at the end \ud83d",
  "\u0000\u007f\u0080\u07ff\u0800\uffff",
];

Deno.test("ByteWriter.text writes the bytes TextEncoder writes", () => {
  const w = new ByteWriter(16);
  for (const s of SAMPLES) w.text(s);
  assert.deepEqual(w.take(), new TextEncoder().encode(SAMPLES.join("")));
});

Deno.test("ByteWriter.textUntil writes nothing when a stop code unit occurs", () => {
  const w = new ByteWriter();
  w.text("a");
  assert.equal(w.textUntil("b,c", 44, 34, 13, 10), false);
  assert.equal(w.textUntil("ü€😀", 44, 34, 13, 10), true);
  assert.equal(w.textUntil("x§y", "§".charCodeAt(0), 34, 13, 10), false);
  assert.equal(new TextDecoder().decode(w.take()), "aü€😀");
});

Deno.test("ByteWriter.take hands out chunks that later writes never change", () => {
  const w = new ByteWriter(4);
  w.text("first");
  const first = w.take();
  w.text("second, longer than the first buffer");
  assert.equal(new TextDecoder().decode(first), "first");
  assert.equal(new TextDecoder().decode(w.take()), "second, longer than the first buffer");
});

Deno.test("ByteWriter.integer writes what String writes", () => {
  const w = new ByteWriter(4);
  const ns = [
    0,
    -0,
    7,
    -7,
    10,
    99,
    100,
    123456789,
    -2147483649,
    2 ** 53 - 1,
    -(2 ** 53),
    1e21,
    2 ** 60,
  ];
  for (const n of ns) {
    w.integer(n);
    w.byte(32);
  }
  assert.equal(new TextDecoder().decode(w.take()), ns.map((n) => `${String(n)} `).join(""));
});

Deno.test("ByteWriter.smallBytes appends as bytes does, growing the buffer", () => {
  const w = new ByteWriter(16);
  const pieces = [new Uint8Array(0), new Uint8Array([1, 2, 3]), new Uint8Array(40).fill(7)];
  for (let i = 0; i < 5; i++) for (const p of pieces) w.smallBytes(p);
  const want = new ByteWriter(16);
  for (let i = 0; i < 5; i++) for (const p of pieces) want.bytes(p);
  assert.deepEqual(w.take(), want.take());
});
