/**
 * Differential test of the parquet formatter's row groups: the file it
 * writes batch by batch (texts encoded a batch at a time, one row group
 * written as it fills, the statistics' smallest and largest texts copied out
 * of their batch's buffer) against the same rows written by hyparquet-writer
 * in one call, each text encoded on its own by TextEncoder. Hostile texts
 * (lone and paired surrogates, non-BMP, control characters, long texts, the
 * empty text, null) in many row-group and batch sizes; the bytes must be the
 * same, and the statistics hold what the rows hold.
 */
import assert from "node:assert/strict";
import zlib from "node:zlib";
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import { parquetMetadata } from "hyparquet";
import type { Batch, ColumnInfo, EntitySchema, MaybeChunk } from "../../core/types.ts";
import parquet, { parquetColumn, parquetOptions } from "../../plugins/formatters/parquet.ts";
import { concat, random } from "./_differential.ts";

const HOSTILE = [
  "",
  "a",
  "plain text",
  "\u0000\u0001\u001f\u007f",
  "\ud800",
  "\udc00 lone low",
  "\ud83d\ude00 paired",
  "\ue000 private use",
  "\uffff\ufffe\ufffd",
  "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
  "grüße 日本語",
  "zzzz",
  "\u{10ffff}",
];

function text(rand: () => number): string | null {
  const r = rand();
  if (r < 0.1) return null;
  if (r < 0.5) return HOSTILE[Math.floor(rand() * HOSTILE.length)]!;
  if (r < 0.52) return "x".repeat(Math.floor(rand() * 5_000));
  let s = "";
  for (let n = Math.floor(rand() * 12); n > 0; n--) {
    s += String.fromCharCode(
      rand() < 0.8 ? 32 + Math.floor(rand() * 95) : Math.floor(rand() * 0x10000),
    );
  }
  return s;
}

function column(name: string, type: ColumnInfo["type"]): ColumnInfo {
  return { name, type, nullable: true, unique: false, key: false, referenced: false };
}

const COLUMNS = [
  column("id", "integer"),
  column("a", "string"),
  column("b", "string"),
  column("c", "uuid"),
];

/** The formatter's file, written in batches of random sizes. */
async function formatted(
  rows: unknown[][],
  options: Record<string, unknown>,
  seed: number,
): Promise<Uint8Array> {
  const schema: EntitySchema = { name: "t", count: rows[0]!.length, columns: COLUMNS };
  const stream = await parquet.create(parquetOptions.parse(options), {
    scenario: "diff",
    layout: "per-entity",
    entities: [schema],
  });
  const parts: Uint8Array[] = [];
  const add = async (c: MaybeChunk | undefined) => {
    const chunk = await c;
    if (chunk !== undefined) parts.push(chunk as Uint8Array);
  };
  const rand = random(seed);
  await add(stream.beginEntity?.(schema));
  for (let start = 0; start < schema.count;) {
    const length = Math.min(schema.count - start, 1 + Math.floor(rand() * 40));
    const batch: Batch = {
      entity: "t",
      start,
      length,
      fields: COLUMNS.map((c) => c.name),
      columns: rows.map((r) => r.slice(start, start + length)),
    };
    await add(stream.write(batch, schema));
    start += length;
  }
  await add(stream.endEntity?.(schema));
  return concat(parts);
}

/** The same rows through hyparquet-writer in one call, each text encoded on its own. */
function reference(rows: unknown[][], rowGroupSize: number, compression: string): Uint8Array {
  const plans = COLUMNS.map((c) => parquetColumn(c, "decimal"));
  const utf8 = new TextEncoder();
  const out = new ByteWriter();
  const pq = new ParquetWriter({
    writer: out,
    schema: [{ name: "schema", num_children: plans.length }, ...plans.map((p) => p.element)],
    codec: compression === "none" ? "UNCOMPRESSED" : compression === "zstd" ? "ZSTD" : "SNAPPY",
    compressors: { ZSTD: (input) => new Uint8Array(zlib.zstdCompressSync(input)) },
    createdBy: "fabricate (hyparquet-writer)",
  });
  pq.write({
    columnData: plans.map((p, c) => ({
      name: p.element.name,
      data: rows[c]!.map((v) => {
        const x = p.convert(v);
        return p.text && typeof x === "string" ? utf8.encode(x) : x;
      }),
    })),
    rowGroupSize,
  });
  pq.finish();
  return out.getBytes().slice();
}

/** Rows of hostile values: integers, two text columns, UUIDs. */
function rowsOf(count: number, seed: number): unknown[][] {
  const rand = random(seed);
  const hex = () => Math.floor(rand() * 16).toString(16);
  const uuid = () =>
    rand() < 0.1
      ? null
      : [8, 4, 4, 4, 12].map((n) => Array.from({ length: n }, hex).join("")).join("-");
  return [
    Array.from({ length: count }, (_, i) => i),
    Array.from({ length: count }, () => text(rand)),
    Array.from({ length: count }, () => text(rand)),
    Array.from({ length: count }, uuid),
  ];
}

Deno.test("parquet: the same bytes as hyparquet-writer in one call, texts encoded one by one", async () => {
  const cases: [number, number, string][] = [
    [1, 30, "none"],
    [7, 500, "snappy"],
    [64, 2_000, "zstd"],
    [1_000, 2_500, "none"],
    [10_000, 3_000, "zstd"],
  ];
  let seed = 1;
  for (const [rowGroupSize, count, compression] of cases) {
    const rows = rowsOf(count, seed++);
    const got = await formatted(rows, { row_group_size: rowGroupSize, compression }, seed++);
    const want = reference(rows, rowGroupSize, compression);
    assert.equal(got.length, want.length, `row groups of ${rowGroupSize}, ${compression}`);
    assert.ok(got.every((b, i) => b === want[i]), `row groups of ${rowGroupSize}, ${compression}`);
  }
});

Deno.test("parquet: each row group's statistics hold its smallest and largest text", async () => {
  // Without the empty text, the smallest of almost every group.
  const rows = rowsOf(700, 42).map((r, c) =>
    c === 1 || c === 2 ? r.map((v) => v === "" ? "e" : v) : r
  );
  const file = await formatted(rows, { row_group_size: 100, compression: "none" }, 43);
  const meta = parquetMetadata(file.buffer as ArrayBuffer);
  const utf8 = new TextEncoder();
  const order = (a: Uint8Array, b: Uint8Array) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  };
  assert.equal(meta.row_groups.length, 7);
  meta.row_groups.forEach((group, g) => {
    for (const c of [1, 2]) {
      const texts = rows[c]!.slice(g * 100, g * 100 + 100).filter((v) => v !== null)
        .map((v) => utf8.encode(v as string)).sort(order);
      const stats = group.columns[c]!.meta_data!.statistics!;
      const bytes = (v: unknown) => typeof v === "string" ? utf8.encode(v) : v;
      assert.deepEqual(bytes(stats.min_value), texts[0], `group ${g} column ${c} min`);
      assert.deepEqual(bytes(stats.max_value), texts.at(-1), `group ${g} column ${c} max`);
    }
  });
});
