/**
 * writeTextRows() writes the same bytes as encoding each field with its
 * encoder, joining with tabs and newlines and UTF-8-encoding the text:
 * awkward strings (seed 9: escapes, NUL, unicode, lone surrogates), numbers,
 * NULLs, booleans, JSON, and a value longer than a chunk.
 */
import assert from "node:assert/strict";
import type { Batch, ColumnInfo } from "../../core/types.ts";
import {
  copyColumn,
  copyEncoder,
  loadDataColumn,
  loadDataEncoder,
} from "../../plugins/sinks/encode.ts";
import { writeTextRows } from "../../plugins/sinks/text_rows.ts";
import { awkwardStrings } from "../plugins/formatters/_setup.ts";

const col = (name: string, type: ColumnInfo["type"]): ColumnInfo => ({
  name,
  type,
  nullable: true,
  unique: false,
  key: false,
  referenced: false,
});
const COLUMNS = [
  col("s", "string"),
  col("n", "number"),
  col("b", "boolean"),
  col("at", "datetime"),
  col("j", "json"),
];
const strings = [...awkwardStrings(9, 400), "x".repeat(300_000) + "é\t\\"];
const batch: Batch = {
  entity: "t",
  start: 0,
  length: strings.length,
  fields: COLUMNS.map((c) => c.name),
  columns: [
    strings.map((s, i) => (i % 17 === 0 ? null : s)),
    strings.map((_, i) => (i % 5 === 0 ? NaN : i % 3 ? i / 7 : -i)),
    strings.map((_, i) => (i % 4 === 0 ? null : i % 2 === 0)),
    strings.map((
      _,
      i,
    ) => (i % 6 === 0 ? null : new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString())),
    strings.map((s, i) => (i % 3 === 0 ? { s, i } : s)),
  ],
};

async function bytesOf(columns: Parameters<typeof writeTextRows>[1], nul: "" | "\\0") {
  const chunks: Uint8Array[] = [];
  await writeTextRows(batch, columns, { nul }, 4096, (c) => {
    chunks.push(c.slice());
  });
  return chunks;
}

function reference(encoders: ((v: unknown) => string)[]): Uint8Array {
  let text = "";
  for (let r = 0; r < batch.length; r++) {
    text += encoders.map((e, c) => e(batch.columns[c]![r])).join("\t") + "\n";
  }
  return new TextEncoder().encode(text);
}

const concat = (chunks: Uint8Array[]) => {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
};

Deno.test("writeTextRows() writes COPY text byte for byte as the encoders do", async () => {
  const chunks = await bytesOf(COLUMNS.map(copyColumn), "");
  assert.ok(chunks.length > 3, `several chunks, not ${chunks.length}`);
  assert.deepEqual(concat(chunks), reference(COLUMNS.map(copyEncoder)));
});

Deno.test("writeTextRows() writes LOAD DATA text byte for byte as the encoders do", async () => {
  const chunks = await bytesOf(COLUMNS.map(loadDataColumn), "\\0");
  assert.deepEqual(concat(chunks), reference(COLUMNS.map(loadDataEncoder)));
});
